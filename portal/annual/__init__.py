"""政府信息公开工作年度报告 in the 2021 national format (国办公开办函〔2021〕30号)."""
