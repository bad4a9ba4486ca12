"""Every environment variable the code reads is in README's table and in docs/deploy.md."""

import re

from tests.live_servers import ROOT

SOURCES = {
    "config/settings.py": r'env\.(?:str|int|bool|float|list|path|db)\(\s*"([A-Z_0-9]+)"',
    "deploy/run.sh": r"\$\{([A-Z_][A-Z_0-9]*)",
    "deploy/gunicorn.conf.py": r'os\.environ\.get\(\s*"([A-Z_0-9]+)"',
    "scripts/stack.py": r'(?:env|os\.environ)\.get\(\s*"([A-Z_0-9]+)"',
}
# Read by libraries from the environment rather than by our code, documented all the same.
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR"}


def variables_read() -> set[str]:
    names = set(LIBRARY_VARIABLES)
    for path, pattern in SOURCES.items():
        names |= set(re.findall(pattern, (ROOT / path).read_text()))
    return names


def test_every_variable_is_in_the_readme_table():
    table = "\n".join(
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `")
    )
    documented = set(re.findall(r"`([A-Z][A-Z_0-9]+)`", table))
    read = variables_read()

    assert len(read) > 60
    assert read - documented == set()


def test_every_operations_variable_is_in_the_deployment_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    operations = set(re.findall(SOURCES["deploy/run.sh"], (ROOT / "deploy/run.sh").read_text()))
    operations |= set(
        re.findall(
            SOURCES["deploy/gunicorn.conf.py"], (ROOT / "deploy/gunicorn.conf.py").read_text()
        )
    )

    assert {name for name in operations if f"`{name}`" not in guide} == set()
