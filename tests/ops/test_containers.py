"""The container files, checked without a container runtime (no image can be pulled here):
hadolint on the Dockerfile, the Compose Specification's JSON schema on docker-compose.yml, and
compose against make stack (same processes, same commands, same variables)."""

import copy
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from scripts.stack import PROCFILE, STACK_ENV, read_env_file, read_procfile
from tests.live_servers import ROOT

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SCHEMA = ROOT / "deploy" / "schema" / "compose-spec.json"
APP_SERVICES = ("web", "worker", "beat")
# make stack only: the Stripe stand-in runs on the machine's loopback; containers use Stripe.
STACK_ONLY_PROCESSES = {"localstripe"}
STACK_ONLY_VARIABLES = {"LOCALSTRIPE_PORT"}
# scripts/stack.py sets these for every process; the image sets the same in its ENV.
LAUNCHER_VARIABLES = {"PYTHON", "PROMETHEUS_MULTIPROC_DIR", "CELERY_BEAT_SCHEDULE_FILE"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_validator() -> jsonschema.Draft201909Validator:
    schema = yaml.safe_load(SCHEMA.read_text())
    # The schema names draft 2019-09 in a spelling (http, trailing #) jsonschema does not
    # recognise, so the draft is chosen here rather than guessed.
    jsonschema.Draft201909Validator.check_schema(schema)
    return jsonschema.Draft201909Validator(schema)


def test_the_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    linted = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert linted.stdout == ""


def test_the_image_is_multi_stage_slim_non_root_and_healthchecked():
    text = DOCKERFILE.read_text()
    stages = re.split(r"^FROM ", text, flags=re.MULTILINE)[1:]
    final = stages[-1]
    assert len(stages) >= 2
    assert final.split()[0].endswith("-slim-bookworm")
    assert re.search(r"^USER 10001:10001$", final, flags=re.MULTILINE)
    assert "HEALTHCHECK" in final
    assert 'ENTRYPOINT ["deploy/run.sh"]' in final
    # Nothing that compiles or fetches packages in the image that runs.
    for tool in ("apt-get", "gcc", "build-essential", "pip install"):
        assert tool not in final, tool


def test_the_compose_file_follows_the_compose_specification():
    compose_validator().validate(compose())


def test_the_schema_check_refuses_a_broken_compose_file():
    broken = copy.deepcopy(compose())
    broken["services"]["web"]["depends_on"]["migrate"]["condition"] = "when_it_feels_like_it"
    broken["services"]["worker"]["stop_grace_period"] = ["100s"]

    errors = list(compose_validator().iter_errors(broken))

    assert len(errors) == 2


def test_compose_runs_the_processes_of_make_stack_with_the_same_commands():
    procfile = read_procfile(PROCFILE)
    services = compose()["services"]

    assert set(procfile) - STACK_ONLY_PROCESSES == set(APP_SERVICES)
    for name in APP_SERVICES:
        # The image's ENTRYPOINT is deploy/run.sh: both end up as `deploy/run.sh <role>`.
        assert procfile[name] == f"deploy/run.sh {name}"
        assert services[name]["command"] == [name]
    # Both migrate before starting the processes, the same way.
    assert services["migrate"]["command"] == ["migrate"]
    assert '["deploy/run.sh", "migrate"]' in (ROOT / "scripts" / "stack.py").read_text()


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_and_make_stack_set_the_same_variables(service):
    stack_variables = set(read_env_file(STACK_ENV)) - STACK_ONLY_VARIABLES
    image_variables = set(re.findall(r"^\s+([A-Z_]+)=", DOCKERFILE.read_text(), re.MULTILINE))

    assert set(compose()["services"][service]["environment"]) == stack_variables
    assert image_variables >= LAUNCHER_VARIABLES
    for variable in LAUNCHER_VARIABLES:
        assert f"{variable}=" in (ROOT / "scripts" / "stack.py").read_text()


def test_every_variable_run_sh_reads_is_set_by_both():
    run_sh = (ROOT / "deploy" / "run.sh").read_text()
    read = set(re.findall(r"\$\{([A-Z_]+)", run_sh))
    stack_variables = set(read_env_file(STACK_ENV)) | LAUNCHER_VARIABLES
    compose_variables = set(compose()["services"]["worker"]["environment"]) | LAUNCHER_VARIABLES
    # Optional knobs with defaults in run.sh that neither needs to set.
    optional = {"CELERY_WORKER_QUEUES", "CELERY_WORKER_NAME", "LOCALSTRIPE_WEBHOOK_URL"}

    assert read - optional - STACK_ONLY_VARIABLES <= stack_variables & compose_variables
