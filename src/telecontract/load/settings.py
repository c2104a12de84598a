"""Environment variables the load scenarios read. No Locust import here: importing Locust
monkey-patches threads and sockets (gevent), which the CLI process must not suffer."""

ENV_SINK_URL = "TELECONTRACT_SINK_URL"
ENV_THRESHOLDS = "TELECONTRACT_THRESHOLDS"
ENV_LEDGER_DIR = "TELECONTRACT_LEDGER_DIR"
ENV_STORM = "TELECONTRACT_STORM"
ENV_SEED = "TELECONTRACT_LOAD_SEED"
ENV_VERDICTS = "TELECONTRACT_VERDICTS_FILE"  # where the Locust process writes the request thresholds' verdicts
