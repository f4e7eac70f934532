"""Modeler door (manager role): models and versions, bpmn-js editing, drafts, diff, migration."""
