"""The penalty procedure (行政处罚法): terms, engine actions, documents, payment, publication."""
