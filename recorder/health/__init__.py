"""Recorder health for the night shift: camera-hour summaries, findings that open violations,
and the per-camera chain check. Reads the recorder's catalogue; opens cases through casework.
"""
