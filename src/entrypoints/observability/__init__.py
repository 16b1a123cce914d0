"""Operating fieldcrm: one structured log, Prometheus metrics, traces and liveness probes."""
