"""The pipeline above the products: ingest, then compute, then the products, then publishing."""
