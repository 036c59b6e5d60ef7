"""投诉: complaints about police conduct, on the shared matter/event/clock machinery."""
