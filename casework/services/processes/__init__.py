"""Running the processes: task queues, sweeps, the actions diagrams call, model deployment."""
