"""The policy-staff commands: ``scenario run``, ``sweep``, ``compare`` and ``frontier``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from staffing.cli.common import console, err_console, guarded
from staffing.domain.without_post import GROUPS
from staffing.errors import InputError, Problem
from staffing.io.atomic import write_text
from staffing.runs import load_inputs

if TYPE_CHECKING:
    from staffing.domain.instance import Instance
    from staffing.policy import Policy
    from staffing.scenarios.batch import Backend, SweepResult
    from staffing.scenarios.execute import RunSettings, ScenarioOutcome
    from staffing.scenarios.overrides import Override
    from staffing.scenarios.spec import Scenario

scenario_app = typer.Typer(no_args_is_help=True, help="Run policy scenarios from YAML files.")

OutOpt = Annotated[Path, typer.Option("--out", "-o", help="folder for the outputs")]
TimeOpt = Annotated[float, typer.Option("--time-limit", "-t", min=0.1,
                                        help="seconds per scenario (solve, explanation, pay)")]
BackendOpt = Annotated[str, typer.Option(help="local (worker processes), serial or ray")]
AddressOpt = Annotated[str | None, typer.Option(
    help="Ray cluster address (with --backend ray); none: a local Ray instance")]
ProcessesOpt = Annotated[int | None, typer.Option(
    min=1, help="scenarios run at once (default: one per core)")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="PATH=VALUE applied to every scenario (repeatable)")]
ColdOpt = Annotated[bool, typer.Option("--cold", help="no warm start from the base roster")]
NoPayOpt = Annotated[bool, typer.Option("--no-pay", help="skip the pay plans")]
DeterministicOpt = Annotated[bool, typer.Option(
    "--deterministic", help="one worker per scenario, fixed seed, deterministic time limit")]
IndicatorOpt = Annotated[str, typer.Option(
    help="indicator for the chart: first_choice_share, blocking_pairs, unplaced, "
    "moves_vs_base, fill_township, stage:soft_floors, ...")]


def _settings(time_limit: float, deterministic: bool, cold: bool, no_pay: bool) -> RunSettings:
    from staffing.scenarios.execute import RunSettings  # lazy: scenario commands only

    return RunSettings(time_limit=time_limit, deterministic=deterministic, warm_start=not cold,
                       pay=not no_pay)


def _backend(name: str, processes: int | None, address: str | None) -> Backend:
    from staffing.scenarios.backends import backend_named  # lazy: scenario commands only

    return backend_named(name, processes=processes, address=address)


def _fixed(assignments: Sequence[str] | None) -> list[Override]:
    from staffing.scenarios.overrides import Where, parse_assignment  # lazy: scenario commands only

    problems: list[Problem] = []
    out = []
    for text in assignments or []:
        try:
            out.append(parse_assignment(text, Where("command line (--set)")))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return out


def _check_all(instance: Instance, policy: Policy, scenarios: Sequence[Scenario]) -> None:
    """Every scenario's every bad override, at once, before anything runs (exit 2)."""
    from staffing.scenarios.overrides import check_overrides  # lazy: scenario commands only

    problems = []
    seen: set[str] = set()
    for scenario in scenarios:
        for problem in check_overrides(policy, instance, scenario.overrides):
            if str(problem) not in seen:
                seen.add(str(problem))
                problems.append(problem)
    if problems:
        raise InputError(problems)


class ScenarioProgress:
    """A progress bar over scenarios, with a line per finished scenario."""

    def __init__(self, total: int):
        self.progress = Progress(TextColumn("scenarios"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.description}"),
                                 console=console, transient=False)
        self.task = self.progress.add_task("", total=total)

    def __enter__(self) -> ScenarioProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def __call__(self, outcome: ScenarioOutcome) -> None:
        colour = {"optimal": "green", "feasible": "yellow", "infeasible": "red"}.get(
            outcome.status, "magenta")
        self.progress.console.print(
            f"  [{colour}]{escape(outcome.status_text()[:90])}[/] {escape(outcome.name)} "
            f"({outcome.seconds:.1f} s)")
        self.progress.advance(self.task)


def _run_and_write(instance: Instance, policy: Policy, scenarios: list[Scenario],
                   settings: RunSettings, backend: Backend, out: Path, axes: list[str],
                   indicator: str) -> SweepResult:
    from staffing.scenarios.batch import run_scenarios, write_sweep  # lazy: scenario commands only

    _check_all(instance, policy, scenarios)
    console.print(f"{len(scenarios)} scenario(s) and the base on {escape(backend.name)}: "
                  f"{len(instance.staff)} people under '{escape(policy.name)}', "
                  f"{settings.time_limit:g} s each")
    with ScenarioProgress(len(scenarios) + 1) as progress:
        result = run_scenarios(instance, policy, scenarios, settings=settings, backend=backend,
                               on_done=progress, axes=axes)
    files = write_sweep(out, instance, policy, scenarios, result)
    files += _sweep_chart(result, axes, indicator, out)
    files += _sweep_page(result, axes, indicator, out, f"{policy.name}: scenarios")
    _print_table(result)
    console.print(f"{escape(result.summary())}; wrote {escape(', '.join(files))} and "
                  f"scenarios/ to {escape(str(out))}")
    return result


def _sweep_chart(result: SweepResult, axes: list[str], indicator: str, out: Path) -> list[str]:
    """A trade-off chart when one numeric parameter varies."""
    from staffing.scenarios.chart import tradeoff_chart  # lazy: scenario commands only

    if len(axes) != 1:
        return []
    points = []
    for outcome in result.outcomes:
        text = outcome.values.get(axes[0], "").lstrip("+×")
        try:
            points.append((float(text), outcome))
        except ValueError:
            return []
    try:
        return tradeoff_chart(points, indicator, axes[0], out / "chart")
    except Exception as error:  # the table stands without the picture  # noqa: BLE001
        err_console.print(f"[yellow]no chart[/]: {escape(str(error))}")
        return []


# rows of the HTML comparison page: (column key of the table, Chinese, English)
PAGE_ROWS = [("status", "求解状态", "status"), ("check", "独立校验", "checker"),
             ("blocking_pairs", "阻塞对数", "blocking pairs"),
             ("first_choice_share", "获第一志愿比例", "first-choice share"),
             ("unplaced", GROUPS["incumbents"][1], GROUPS["incumbents"][0]),
             ("moves_vs_base", "与基准相比调整人数", "placed differently from the base"),
             ("ind:fill_township", "乡镇岗位填充率", "township fill rate"),
             ("ind:villages_uncovered", "未覆盖的村", "villages not covered"),
             ("binding_rules", "起约束作用的硬性规则", "binding hard rules"),
             ("total_pay", "薪酬总额(元)", "total pay (yuan)"),
             ("tier_ratio", "基层与牵头医院薪酬比", "grassroots / lead pay ratio"),
             ("extra_budget", "所需追加预算(元)", "extra budget needed (yuan)")]


def _cell(key: str, value: Any) -> str:
    """A table value as the page shows it: shares in per cent, counts without decimals."""
    if value is None or value != value:
        return ""
    if isinstance(value, float) and ("share" in key or "fill" in key):
        return f"{value:.1%}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sweep_page(result: SweepResult, axes: list[str], indicator: str, out: Path,
                title: str) -> list[str]:
    """``comparison.html``: the report package's comparison page for a sweep (offline)."""
    from staffing.report import charts, render_comparison  # lazy: scenario commands only
    from staffing.report.html import t  # lazy: scenario commands only
    from staffing.scenarios.chart import indicator_value, label_of  # lazy: scenario commands only

    frame = result.to_frame()
    names = list(frame["scenario"])
    rows = [{"label": t(zh, en), "key": key, "values": [_cell(key, v) for v in frame[key]]}
            for key, zh, en in PAGE_ROWS if key in frame.columns]
    figures = []
    if len(axes) == 1:
        pairs: list[tuple[float, float]] = []
        for o in result.outcomes:
            value = indicator_value(o, indicator)
            if o.values.get(axes[0]) is not None and value is not None:
                pairs.append((float(o.values[axes[0]].lstrip("+×")), value))
        pairs.sort()
        if pairs:
            label = label_of(result.all_outcomes, indicator)
            figures.append({"svg": charts.both(lambda lang: charts.points(
                lang, [(t(label, label), [x for x, _ in pairs], [y for _, y in pairs])],
                title=t(f"{label} 与 {axes[0]}", f"{label} against {axes[0]}"),
                x=t(axes[0], axes[0]), y=t(label, label))),
                "caption": t("取舍曲线", "trade-off curve")})
    page = render_comparison(names, rows, figures, [], title=t(title, title),
                             note=t("每个情景的详细结果见 scenarios/ 文件夹。",
                                    "Each scenario's full outputs are in scenarios/."))
    write_text(out / "comparison.html", page)
    return ["comparison.html"]


def _print_table(result: SweepResult) -> None:
    table = Table(title="Scenarios")
    for col in ("scenario", "status", "blocking", "1st choice", "unplaced", "moves vs base",
                "binding hard rules", "extra budget"):
        table.add_column(col, overflow="fold")
    for o in result.all_outcomes:
        first = o.indicators.get("first_choice_share")
        table.add_row(escape(o.name), escape(o.status_text()[:80]),
                      "" if o.blocking_pairs is None else str(o.blocking_pairs),
                      "" if first is None else f"{first:.1%}",
                      "" if o.unplaced is None else str(o.unplaced),
                      "" if o.moves_vs_base is None else str(o.moves_vs_base),
                      escape(", ".join(b.rule for b in o.binding if b.binds)),
                      escape(o.extra_budget))
    console.print(table)


@scenario_app.command("run")
@guarded
def scenario_run(
    scenarios: Annotated[list[Path], typer.Argument(help="scenario YAML files")],
    out: OutOpt,
    policy: Annotated[Path | None, typer.Option(
        "--policy", "-p", help="base policy (default: the one the scenario files name)")] = None,
    instance: Annotated[Path | None, typer.Option(
        help="base instance (default: the one the scenario files name)")] = None,
    time_limit: TimeOpt = 60.0, backend: BackendOpt = "local", address: AddressOpt = None,
    processes: ProcessesOpt = None, cold: ColdOpt = False, no_pay: NoPayOpt = False,
    deterministic: DeterministicOpt = False,
) -> None:
    """Run scenario files against their base; write each scenario's outputs and a comparison."""
    from staffing.scenarios.spec import load_scenario  # lazy: scenario commands only

    problems: list[Problem] = []
    loaded = []
    for path in scenarios:
        try:
            loaded.append(load_scenario(path))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    policy_path = policy or _one_base(loaded, "policy_path", "--policy")
    instance_path = instance or _one_base(loaded, "instance_path", "--instance")
    inst, policy_model = load_inputs(instance_path, policy_path)
    _run_and_write(inst, policy_model, loaded, _settings(time_limit, deterministic, cold, no_pay),
                   _backend(backend, processes, address), out, [], "first_choice_share")


def _one_base(scenarios: Sequence[Scenario], attribute: str, option: str) -> Path:
    named = {getattr(s, attribute) for s in scenarios}
    named.discard(None)
    if len(named) != 1:
        what = "policy" if "policy" in attribute else "instance"
        what_zh = "政策模型" if what == "policy" else "数据包"
        found = ", ".join(sorted(map(str, named)))
        raise InputError([Problem("command line", f"the scenarios name {len(named)} base "
                                  f"{what}s ({found or 'none'})", "base", column=option,
                                  expected=f"one base {what} in every file, or {option}",
                                  message_zh=f"各情景文件指定了 {len(named)} 个基准{what_zh}"
                                  f"（{found or '无'}）",
                                  expected_zh=f"每个文件指定同一个基准{what_zh}，或用 {option} "
                                  "指定")])
    return Path(next(iter(named)))


def sweep(
    base_policy: Annotated[Path, typer.Argument(help="base policy model YAML")],
    instance: Annotated[Path, typer.Argument(help="instance bundle")],
    vary: Annotated[list[str], typer.Option(
        help="PATH=FROM:TO:STEP or PATH=A,B,C (repeatable: a grid)")],
    out: OutOpt,
    set_: SetOpt = None,
    zipped: Annotated[bool, typer.Option(
        "--zip", help="pair the i-th values of each --vary instead of every combination")] = False,
    time_limit: TimeOpt = 60.0, backend: BackendOpt = "local", address: AddressOpt = None,
    processes: ProcessesOpt = None, cold: ColdOpt = False, no_pay: NoPayOpt = False,
    deterministic: DeterministicOpt = False, indicator: IndicatorOpt = "first_choice_share",
) -> None:
    """Sweep parameters over a grid; write the comparison table, binding rules and a chart."""
    from staffing.scenarios.overrides import Where  # lazy: scenario commands only
    from staffing.scenarios.spec import parse_axis, scenarios_of  # lazy: scenario commands only

    inst, policy_model = load_inputs(instance, base_policy)
    axes = [parse_axis(text, Where("command line (--vary)")) for text in vary]
    scenarios = scenarios_of(axes, zipped=zipped, fixed=_fixed(set_))
    _run_and_write(inst, policy_model, scenarios,
                   _settings(time_limit, deterministic, cold, no_pay),
                   _backend(backend, processes, address), out, [a.path for a in axes], indicator)


def compare(
    a: Annotated[Path, typer.Argument(help="first run folder (solve or scenario output)")],
    b: Annotated[Path, typer.Argument(help="second run folder")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write the tables here")] = None,
    show: Annotated[int, typer.Option(help="rows shown per table")] = 20,
) -> None:
    """Compare two runs: who moves where and why, indicators, rules, pay changes."""
    from staffing.scenarios.compare import compare_runs  # lazy: scenario commands only

    result = compare_runs(a, b)
    moves = Table(title=f"People placed differently ({len(result.moves)})")
    for col in ("person", escape(result.a.name), escape(result.b.name), "why (B)"):
        moves.add_column(col, overflow="fold")
    for r in result.moves.head(show).itertuples(index=False):
        moves.add_row(r.person, r.post_a or "-", r.post_b or "-", escape(r.why_b))
    console.print(moves)
    figures = Table(title="Indicators and stages")
    for col in ("", "key", "A", "B", "change"):
        figures.add_column(col)
    for r in result.indicators.itertuples(index=False):
        figures.add_row(r.kind, r.key, escape(str(r.a)), escape(str(r.b)),
                        "" if r.change is None or r.change != r.change else f"{r.change:+g}")
    console.print(figures)
    changed = result.rules[result.rules["changed"]]
    rules = Table(title=f"Rules whose status changed ({len(changed)})")
    for col in ("rule", "A", "B"):
        rules.add_column(col)
    for r in changed.itertuples(index=False):
        rules.add_row(r.rule, f"{r.status_a} ({r.violations_a})",
                      f"{r.status_b} ({r.violations_b})")
    console.print(rules)
    if len(result.pay):
        moved = result.pay[result.pay["change"] != 0].copy()
        moved["size"] = moved["change"].abs()
        pay = Table(title=f"Pay changes ({len(moved)} people; largest first)")
        for col in ("person", "A", "B", "change"):
            pay.add_column(col)
        for r in moved.sort_values("size", ascending=False).head(show).itertuples(index=False):
            pay.add_row(r.person, f"{r.pay_a:,}", f"{r.pay_b:,}", f"{r.change:+,}")
        console.print(pay)
    console.print(escape(result.summary()))
    if out is not None:
        files = result.write(out) + _compare_page(result, out)
        console.print(f"wrote {escape(', '.join(files))} to {escape(str(out))}")


def _compare_page(result: Any, out: Path) -> list[str]:
    """``comparison.html`` for two runs: indicators side by side and who moves, with why."""
    from staffing.report import render_comparison  # lazy: scenario commands only
    from staffing.report.html import t  # lazy: scenario commands only

    rows = [{"label": t(r.key, r.key), "key": r.kind,
             "values": [str(r.a), str(r.b)]} for r in result.indicators.itertuples(index=False)]
    moves = [{"person": r.person, "from": r.post_a, "to": r.post_b, "note": r.why_b}
             for r in result.moves.itertuples(index=False)]
    title = f"{result.a.name} / {result.b.name}"
    write_text(out / "comparison.html",
               render_comparison([result.a.name, result.b.name], rows, [], moves,
                                 title=t(title, title)))
    return ["comparison.html"]


def frontier(
    base_policy: Annotated[Path, typer.Argument(help="base policy model YAML")],
    instance: Annotated[Path, typer.Argument(help="instance bundle")],
    vary: Annotated[str, typer.Option(help="PATH=FROM:TO, the range to search")],
    out: OutOpt,
    set_: SetOpt = None,
    resolution: Annotated[str | None, typer.Option(
        help="stop when the boundary is this narrow (default: 1 for whole numbers, else a "
        "hundredth of the range's last decimal)")] = None,
    samples: Annotated[int, typer.Option(min=1, max=50,
                                         help="full solves on the feasible side")] = 6,
    indicator: IndicatorOpt = "first_choice_share",
    time_limit: TimeOpt = 60.0, backend: BackendOpt = "local", address: AddressOpt = None,
    processes: ProcessesOpt = None, cold: ColdOpt = False, no_pay: NoPayOpt = False,
    deterministic: DeterministicOpt = False,
) -> None:
    """Find the value of a parameter at which the policy turns infeasible, and why; draw the
    trade-off of an indicator against it."""
    from staffing.scenarios.batch import write_sweep  # lazy: scenario commands only
    from staffing.scenarios.chart import tradeoff_chart  # lazy: scenario commands only
    from staffing.scenarios.frontier import frontier as find  # lazy: scenario commands only
    from staffing.scenarios.overrides import Where  # lazy: scenario commands only
    from staffing.scenarios.spec import parse_axis  # lazy: scenario commands only

    inst, policy_model = load_inputs(instance, base_policy)
    axis = parse_axis(vary, Where("command line (--vary)"), need_step=False)
    fixed = _fixed(set_)
    step = None
    if resolution is not None:
        try:
            step = Decimal(resolution)
        except InvalidOperation:
            step = None
        if step is None or step <= 0:
            raise InputError([Problem("command line", "the resolution must be a number above 0",
                                      column="--resolution", value=resolution,
                                      expected="for example 0.01",
                                      message_zh="精度须是大于 0 的数", expected_zh="例如 0.01")])
    _check_all(inst, policy_model, [_range_scenario(axis, fixed)])
    settings = _settings(time_limit, deterministic, cold, no_pay)
    console.print(f"frontier of {escape(axis.path)} over {escape(vary.partition('=')[2])} "
                  f"under '{escape(policy_model.name)}'")
    with ScenarioProgress(samples + 2) as progress:
        result = find(inst, policy_model, axis, fixed=fixed, resolution=step, settings=settings,
                      backend=_backend(backend, processes, address), samples=samples,
                      indicator=indicator, explain_limit=max(time_limit, 10.0),
                      on_done=progress)
    assert result.sweep is not None
    files = write_sweep(out, inst, policy_model, result.scenarios, result.sweep)
    write_text(out / "frontier.json",
               json.dumps(result.to_dict(), ensure_ascii=False, indent=1, default=str) + "\n")
    write_text(out / "frontier.txt", result.summary() + "\n")
    files += ["frontier.json", "frontier.txt"]
    points = [(float(str(o.values[axis.path]).lstrip("+×")), o) for o in result.sweep.outcomes]
    boundary = None
    if result.last_feasible is not None and result.first_infeasible is not None:
        boundary = (float(result.last_feasible), float(result.first_infeasible))
    try:
        files += tradeoff_chart(points, indicator, axis.path, out / "frontier", boundary=boundary,
                                range_end=float(result.infeasible_end),
                                title=f"{policy_model.name}: {indicator} against {axis.path}")
    except Exception as error:  # the table stands without the picture  # noqa: BLE001
        err_console.print(f"[yellow]no chart[/]: {escape(str(error))}")
    files += _sweep_page(result.sweep, [axis.path], indicator, out,
                         f"{policy_model.name}: frontier of {axis.path}")
    _print_table(result.sweep)
    console.print(escape(result.summary()))
    console.print(f"wrote {escape(', '.join(files))} to {escape(str(out))}")


def _range_scenario(axis: Any, fixed: list[Override]) -> Scenario:
    """Both ends of a range as one scenario, so their overrides are checked before running."""
    from staffing.scenarios.overrides import Override  # lazy: scenario commands only
    from staffing.scenarios.spec import Scenario  # lazy: scenario commands only

    ends = (Override(axis.path, v, axis.where) for v in axis.values[:2])
    return Scenario("frontier", (*fixed, *ends))


def register(app: typer.Typer) -> None:
    """Add the policy-staff commands to the ``staffing`` command."""
    app.add_typer(scenario_app, name="scenario")
    app.command()(guarded(sweep))
    app.command()(guarded(compare))
    app.command()(guarded(frontier))
