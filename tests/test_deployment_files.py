"""The deployment files follow the product: Dockerfile, compose.yaml, the
example environment, the systemd units and docs/deployment.md name only
environment variables that the code reads, commands that exist, and every
variable the code reads is documented. (No Docker engine runs here, so the
image is checked as text, not built.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hoeksteen"

_READS = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(\s*|os\.environ\.get\(\s*|os\.environ\.setdefault\(\s*|"""
    r"""os\.environ\[\s*)["']([A-Z][A-Z0-9_]+)["']"""
)
# Read by the libraries Hoeksteen configures, not by its own code.
READ_BY_LIBRARIES = {"GUNICORN_CMD_ARGS"}
HOEKSTEEN_SERVICES = ("migrate", "web", "tick")


def names_read() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts or "migrations" in path.parts:
            continue
        names.update(_READS.findall(path.read_text()))
    return names


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


def compose() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def services() -> dict[str, dict[str, object]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def command_of(argv: list[str]) -> str:
    """`python -m hoeksteen NAME …` -> NAME, which must be a command of ours."""
    assert argv[:3] == ["python", "-m", "hoeksteen"], argv
    return argv[3]


def known_commands() -> set[str]:
    return {"serve", *get_commands()}


def test_it_finds_the_variables_the_code_reads() -> None:
    # The reader itself must work, or every check below passes on nothing.
    read = names_read()
    for name in ("DATABASE_URL", "HOEKSTEEN_BIND", "HOEKSTEEN_ENCRYPTION_KEYS", "WEB_CONCURRENCY"):
        assert name in read
    assert "HOEKSTEEN_METRICS_TOKEN" in read


def test_it_documents_every_variable_the_code_reads() -> None:
    docs = (ROOT / "docs" / "deployment.md").read_text()
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", docs, re.MULTILINE))

    missing = sorted((names_read() | READ_BY_LIBRARIES) - table)
    unknown = sorted(table - names_read() - READ_BY_LIBRARIES)

    assert not missing, f"read in src/ but not in the table of docs/deployment.md: {missing}"
    assert not unknown, f"in the table of docs/deployment.md but read nowhere: {unknown}"


def test_it_runs_web_tick_postgres_and_redis() -> None:
    found = services()

    assert {"web", "tick", "postgres", "redis"} <= set(found)
    assert found["postgres"]["image"] == "postgres:15"
    assert found["redis"]["image"] == "redis:7"
    assert found["web"]["command"] == ["python", "-m", "hoeksteen", "serve"]
    assert command_of(found["tick"]["command"]) == "tick"  # type: ignore[arg-type]
    for name in HOEKSTEEN_SERVICES:
        assert command_of(found[name]["command"]) in known_commands(), name  # type: ignore[arg-type]


def test_it_sets_only_variables_the_code_reads_in_compose_and_the_example_env() -> None:
    read = names_read() | READ_BY_LIBRARIES
    example = env_file(ROOT / "deploy" / "env.example")

    assert not sorted(set(example) - read), "deploy/env.example sets unknown variables"
    assert example["HOEKSTEEN_PRODUCTION"] == "1"
    for name in HOEKSTEEN_SERVICES:
        service = services()[name]
        assert service["env_file"] == "deploy/env"
        environment = service.get("environment", {})
        assert isinstance(environment, dict)
        assert not sorted(set(environment) - read), f"{name} sets unknown variables"


def test_it_keeps_the_private_files_on_a_volume_where_the_code_looks() -> None:
    for name in HOEKSTEEN_SERVICES:
        service = services()[name]
        private = service["environment"]["HOEKSTEEN_PRIVATE_FILES"]  # type: ignore[index]
        assert f"private:{private}" in service["volumes"]  # type: ignore[operator]
    assert "private" in compose()["volumes"]  # type: ignore[operator]


def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def instruction(keyword: str) -> list[str]:
    return [line[len(keyword) :].strip() for line in dockerfile() if line.startswith(keyword + " ")]


def test_it_builds_the_image_from_the_pinned_versions_as_a_non_root_user() -> None:
    runs = " && ".join(instruction("RUN"))
    installs = [part for part in runs.split("&&") if "pip install" in part and "-e ." in part]

    assert instruction("FROM") == ["python:3.11-slim-bookworm"]
    assert installs, "no pip install of the project"
    assert all("-c requirements/constraints.txt" in part for part in installs)
    assert "libpango-1.0-0" in runs
    assert "libpangoft2-1.0-0" in runs
    assert "compilemessages" in runs
    assert "collectstatic --noinput" in runs
    assert instruction("USER") == ["hoeksteen"]


def test_it_checks_health_and_serves_with_commands_that_exist() -> None:
    (healthcheck,) = instruction("HEALTHCHECK")
    (cmd,) = instruction("CMD")
    probe = yaml.safe_load(healthcheck.split("CMD", 1)[1])

    assert command_of(probe) == "healthcheck"
    assert "healthcheck" in known_commands()
    assert yaml.safe_load(cmd) == ["python", "-m", "hoeksteen", "serve"]


def test_it_sets_only_variables_the_code_reads_in_the_image() -> None:
    read = names_read()
    names = {pair.split("=", 1)[0] for line in instruction("ENV") for pair in shlex.split(line)}
    assert "HOEKSTEEN_PRODUCTION" in names
    assert not sorted(
        names
        - read
        - {
            "PATH",
            "PYTHONDONTWRITEBYTECODE",
            "PYTHONUNBUFFERED",
            "PIP_NO_CACHE_DIR",
            "PIP_DISABLE_PIP_VERSION_CHECK",
        }
    )


def unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (ROOT / "docs" / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.parametrize(
    ("name", "command"), [("hoeksteen-web.service", "serve"), ("hoeksteen-tick.service", "tick")]
)
def test_it_gives_systemd_units_that_run_our_commands(name: str, command: str) -> None:
    values = unit(name)
    (start,) = values["ExecStart"]
    argv = shlex.split(start)

    assert argv[0].endswith("/python")
    assert command_of(["python", *argv[1:]]) == command
    assert command in known_commands()
    assert values["EnvironmentFile"] == ["/etc/hoeksteen/env"]
    assert values["User"] == ["hoeksteen"]
    set_here = {value.split("=", 1)[0] for value in values.get("Environment", [])}
    assert not sorted(set_here - names_read())


def test_it_times_the_tick_service() -> None:
    timer = unit("hoeksteen-tick.timer")
    assert timer["Unit"] == ["hoeksteen-tick.service"]
    assert timer["OnUnitInactiveSec"] == ["1min"]
