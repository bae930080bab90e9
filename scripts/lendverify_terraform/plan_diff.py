"""Compare two `terraform show -json` plans resource for resource.

Why: a restructuring of the Terraform code (a module split, a renamed call) must plan exactly the same
resources with exactly the same values. Addresses may change only where a `moved` block says so; the
diff maps the old addresses through those moves (given as FROM=TO module-address prefixes) and then
compares every planned value and every known-after-apply marker.
"""

from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


def _walk(module: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _walk(child)


def planned_resources(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Address -> {values, after_unknown, actions} of every managed resource the plan would create or change."""
    changes = {rc["address"]: rc["change"] for rc in plan.get("resource_changes", []) if rc.get("mode") == "managed"}
    resources = {}
    for r in _walk(plan.get("planned_values", {}).get("root_module", {})):
        if r.get("mode") != "managed":
            continue
        change = changes.get(r["address"], {})
        resources[r["address"]] = {
            "type": r.get("type"),
            "values": r.get("values"),
            "after_unknown": change.get("after_unknown"),
            "actions": change.get("actions"),
        }
    return resources


def rename(address: str, moves: Mapping[str, str]) -> str:
    """The address after the longest matching `moved` prefix (module.a -> module.b.module.a)."""
    for old in sorted(moves, key=len, reverse=True):
        if address == old or address.startswith(old + ".") or address.startswith(old + "["):
            return moves[old] + address[len(old):]
    return address


@dataclass
class PlanDiff:
    moved: list[tuple[str, str]] = field(default_factory=list)
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    same: int = 0

    @property
    def identical(self) -> bool:
        return not (self.only_before or self.only_after or self.changed)

    def summary(self, label: str) -> str:
        lines = [
            f"{label}: {self.same} resources identical ({len(self.moved)} of them only moved), "
            f"{len(self.changed)} changed, {len(self.only_before)} gone, {len(self.only_after)} new"
        ]
        lines += [f"  gone    {a}" for a in self.only_before]
        lines += [f"  new     {a}" for a in self.only_after]
        for address, paths in self.changed.items():
            lines.append(f"  changed {address}: {', '.join(paths[:8])}{' ...' if len(paths) > 8 else ''}")
        return "\n".join(lines)


def _differences(before: Any, after: Any, path: str = "") -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after)):
            out += _differences(before.get(key), after.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            out += _differences(b, a, f"{path}[{i}]")
        return out
    return [] if before == after else [path or "(value)"]


def _without(resources: dict[str, dict[str, Any]], ignore: set[str]) -> dict[str, dict[str, Any]]:
    """Drop ignored attributes ("<type>.<attr>") from values and after_unknown."""
    for r in resources.values():
        rtype = r["type"]
        for key in ("values", "after_unknown"):
            if isinstance(r.get(key), dict):
                for attr in [i.split(".", 1)[1] for i in ignore if i.split(".", 1)[0] == rtype]:
                    r[key].pop(attr, None)
    return resources


def diff_plans(before: Mapping[str, Any], after: Mapping[str, Any], moves: Mapping[str, str],
               ignore: set[str] = frozenset()) -> PlanDiff:
    """`ignore`: "<resource type>.<attribute>" known to differ for a stated reason (see the caller)."""
    old = {rename(a, moves): (a, r) for a, r in _without(planned_resources(before), set(ignore)).items()}
    new = _without(planned_resources(after), set(ignore))
    result = PlanDiff()
    result.only_before = sorted(set(old) - set(new))
    result.only_after = sorted(set(new) - set(old))
    for address in sorted(set(old) & set(new)):
        original, r = old[address]
        differences = _differences(r, new[address])
        if differences:
            result.changed[address] = differences
        else:
            result.same += 1
            if original != address:
                result.moved.append((original, address))
    return result


def load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


MOVED_BLOCK = re.compile(r'moved\s*\{\s*from\s*=\s*([^\s}]+)\s*to\s*=\s*([^\s}]+)\s*\}')


MODULE_CALL = re.compile(r'module\s+"([^"]+)"\s*\{[^{}]*?source\s*=\s*"(\.{1,2}/[^"]+)"')


def moves_in(directory: pathlib.Path, module_prefix: str = "") -> dict[str, str]:
    """The `moved` blocks of a module's .tf files and of the local modules it calls, as plan
    addresses under `module_prefix` (e.g. "module.stack." for the stack as the environments call
    it)."""
    moves = {}
    for tf in sorted(directory.glob("*.tf")):
        text = tf.read_text(encoding="utf-8")
        for old, new in MOVED_BLOCK.findall(text):
            moves[module_prefix + old] = module_prefix + new
        for name, source in MODULE_CALL.findall(text):
            moves.update(moves_in((directory / source).resolve(), f"{module_prefix}module.{name}."))
    return moves
