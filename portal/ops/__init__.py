"""Operating the portal: its Prometheus metrics (`metrics.py`)."""
