from telecontract.cli import main

main()
