"""执法结果公开: administrative penalty decisions registered by staff and published for the public."""
