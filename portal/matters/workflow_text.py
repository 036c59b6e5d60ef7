"""A workflow table as Markdown, for the rules page (docs/rules.md keeps a copy; a test compares)."""

from __future__ import annotations

from portal.matters.workflow import CLOCK_MODES, EFFECTS, RETURN, Workflow, guard_text

ACTORS = {"staff": "承办人", "supervisor": "监督人员", "applicant": "申请人/投诉人", "system": "系统（每日）"}


def markdown(workflow: Workflow) -> str:
    """The states, then the actions, of ``workflow`` as two Markdown tables and its notes."""
    lines = [f"**{workflow.name}：状态**", "", "| 状态 | 代码 | 计时 | 办结 |", "|---|---|---|---|"]
    for state in workflow.states.values():
        lines.append(f"| {state.label} | `{state.code}` | {CLOCK_MODES[state.clock]} | "
                     f"{'是' if state.final else ''} |")
    lines += ["", f"**{workflow.name}：操作**", "",
              "| 操作 | 代码 | 可在状态 | 由谁 | 条件 | 计时 | 之后的状态 |", "|---|---|---|---|---|---|---|"]
    for t in workflow.transitions:
        sources = "、".join(workflow.label(code) for code in t.sources)
        target = "回到申请前的状态" if t.target == RETURN else workflow.label(t.target)
        guards = "；".join(guard_text(guard).rstrip("。") for guard in t.guards)
        lines.append(f"| {t.label} | `{t.action}` | {sources} | {ACTORS[t.actor]} | {guards} | "
                     f"{EFFECTS[t.effect]} | {target} |")
    lines += [""] + [f"- {note}" for note in workflow.notes]
    return "\n".join(lines) + "\n"
