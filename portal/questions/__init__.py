"""网上咨询: citizens ask, the chosen department answers in time, consented answers are published."""
