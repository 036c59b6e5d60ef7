"""Case progress for parties (案件办理进度查询): cases, their stages, parties and time limits.

Staff of the handling unit record a case, its stages and its parties; each party receives a
one-time query code on a printed receipt and looks the case up with it (《公安机关执法公开规定》
第五条: information that affects only specific people reaches them through a query service).
"""
