"""Environment variables the load scenarios read. No Locust import here: importing Locust
monkey-patches threads and sockets (gevent), which the CLI process must not suffer."""

ENV_SINK_URL = "TELECONTRACT_SINK_URL"
ENV_THRESHOLDS = "TELECONTRACT_THRESHOLDS"  # plain `locust -f`: the plugin judges; `telecontract load` judges itself
ENV_LEDGER_DIR = "TELECONTRACT_LEDGER_DIR"
ENV_STORM = "TELECONTRACT_STORM"
ENV_SEED = "TELECONTRACT_LOAD_SEED"
ENV_NUMBERS = "TELECONTRACT_LOAD_NUMBERS"  # against a live target: the parties the users may use
ENV_FINAL_FIGURES = "TELECONTRACT_FINAL_FIGURES"  # where Locust's hook writes what it counted (JSON)
