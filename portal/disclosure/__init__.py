"""依申请公开: information-disclosure requests under 《政府信息公开条例》 (2019)."""
