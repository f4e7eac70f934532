"""What diagrams may compute and call: the safe evaluator, its functions, actions, the script engine."""
