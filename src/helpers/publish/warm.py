"""Warm kernels and runners: the libraries are imported once per build, and every notebook still runs in a fresh
process.

A chapter's kernel spends most of its CPU before its first own line: starting Python and ipykernel and importing
pandas, matplotlib, statsmodels and scipy (2.5-3 s per notebook, seven notebooks per wave). Here a *warm server*
imports those libraries once (WARM_IMPORTS; never the project's own `helpers`, so the runner's record of the helpers a
notebook imported stays exact) and then forks one child per notebook that becomes that notebook's Jupyter kernel.

Isolation: the server never runs notebook code, so every child starts from the same state: the libraries imported,
their settings at their defaults, an empty namespace. What one notebook changes (a global, a matplotlib rcParam, a
pandas option, a module attribute) lives in its own process and dies with it (tests/test_warm.py proves it).

How it fits in (helpers.publish.runner uses it unless FLITSPEILING_WARM=0):

- `WarmKernelManager` is the jupyter_client kernel manager papermill is given: instead of the kernel spec's command it
  launches a *shim* (this file run by path with ``python -I -S``: no imports beyond the standard library), which
  connects to the server's Unix socket, hands over its standard streams, working directory and environment and the
  connection file, and then stands in for the kernel process: it forwards the interrupt and termination signals
  jupyter_client sends to the forked kernel and exits with the kernel's exit status;
- the runner itself runs as a child of the server too (`run_in_server`): ``python -m helpers.publish.runner`` (make's
  command) hands its streams, directory, environment and arguments to the server, which forks a child that imports
  the runner fresh from disk and runs it with papermill and nbconvert already imported (about 1.2 s per notebook);
  the command stands in for it (signals forwarded, its exit status returned), and runs the notebook itself when no
  server can be had or FLITSPEILING_WARM=0;
- the first notebook of a build starts the server (`ensure_server`, under a lock: with ``make -j2`` two runners may
  ask at once); it exits by itself after FLITSPEILING_WARM_IDLE seconds (default IDLE_SECONDS) without a kernel, so
  the next chapters of the build and the researcher's next ``make preview`` find it warm, and nothing stays behind;
- the socket's name holds a fingerprint of the interpreter, its environment and this module, so a changed
  environment (``make env``) or another checkout never uses a stale server. When the server cannot be started, the
  kernel is started the usual way (a warning says why).

Command line: ``python -P src/helpers/publish/warm.py serve SOCKET`` (started by `ensure_server`), ``python -m
helpers.publish.warm stop`` (stops this environment's server, if any; ``make warm-stop``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

# Imported once by the server (those a chapter imports through helpers; a missing one is skipped).
WARM_IMPORTS = ("numpy", "pandas", "pyarrow.parquet", "scipy.stats", "statsmodels.api", "matplotlib",
                "matplotlib.pyplot", "yaml", "jinja2", "ipykernel.kernelapp",
                # what the helpers import besides (0.3 s per notebook: the processed tables' contracts, the CBS
                # download, the fuzzy matching of municipality names)
                "pandera.pandas", "requests", "rapidfuzz",
                # what the runner forked from the server uses (helpers.publish.runner: papermill, nbconvert for the
                # fragment, bs4; about 1.2 s per notebook)
                "papermill", "papermill.engines", "nbclient", "jupyter_client.manager", "nbconvert", "bs4",
                "traitlets.config")
# Optional imports of those libraries that nothing here uses: jsonschema (through nbformat) imports rfc3987_syntax
# (about 1 s: it compiles a grammar) only for the JSON-schema format "iri", which nbformat's schemas do not use. A
# None entry in sys.modules makes its import raise ImportError, which jsonschema expects for an absent extra.
BLOCKED_OPTIONAL_IMPORTS = ("rfc3987_syntax",)
CHILD_ENV = "FLITSPEILING_WARM_CHILD"  # set in a runner forked by the server (it runs there, not in another one)
# matplotlib reads its backend at import; ipykernel sets this one before a notebook's first import of it.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
IDLE_SECONDS = 120
START_SECONDS = 90  # how long a runner waits for a server it started
ENABLED_ENV, IDLE_ENV = "FLITSPEILING_WARM", "FLITSPEILING_WARM_IDLE"
SHIM = os.path.abspath(__file__)


# ----------------------------------------------------------------------------------------------------------------
# Where the server listens


def fingerprint(python: str) -> str:
    """What a warm server is a function of: the interpreter and its environment (the venv's install stamp), the
    import path it is given, and this module's code."""
    prefix = os.path.dirname(os.path.dirname(os.path.abspath(python)))
    stamp = os.path.join(prefix, ".installed")
    parts = [os.path.abspath(python), prefix, os.environ.get("PYTHONPATH", ""),
             str(os.stat(stamp).st_mtime_ns) if os.path.exists(stamp) else "-"]
    with open(SHIM, "rb") as handle:
        parts.append(hashlib.sha256(handle.read()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def socket_path(python: str = sys.executable) -> str:
    """The Unix socket of the warm server for `python` (in the temporary directory: a socket path is short)."""
    return os.path.join(tempfile.gettempdir(), f"flitspeiling-warm-{os.getuid()}-{fingerprint(python)}.sock")


def enabled() -> bool:
    return os.environ.get(ENABLED_ENV, "1").strip() not in {"0", "no", "false", "off"}


def in_warm_child() -> bool:
    return os.environ.get(CHILD_ENV) == "1"


def _connect(path: str) -> socket.socket | None:
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError:
        client.close()
        return None
    return client


def alive(path: str) -> bool:
    client = _connect(path)
    if client is None:
        return False
    client.close()
    return True


def ensure_server(python: str = sys.executable) -> str:
    """The socket of a running warm server for `python`, started (and waited for) when there is none."""
    import fcntl

    path = socket_path(python)
    if alive(path):
        return path
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one runner starts it, the others wait and use it
        if alive(path):
            return path
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        idle = os.environ.get(IDLE_ENV, str(IDLE_SECONDS))
        log = open(path + ".log", "ab")  # noqa: SIM115 - handed to the server process
        with log:
            # Run by path with -P (no script directory on sys.path): the server imports nothing of helpers, so
            # sys.modules shows a notebook's own imports of helpers only (the runner's .d files).
            server = subprocess.Popen([python, "-P", SHIM, "serve", path, "--idle", idle],
                                      stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if alive(path):
                return path
            if server.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"the warm kernel server did not start (see {path}.log)")


def kernel_command(command: list[str]) -> list[str] | None:
    """The shim's command for a kernel spec command of ipykernel (``python ... -m ipykernel_launcher -f FILE``), None
    for any other kernel."""
    if "-m" not in command or command[command.index("-m") + 1:command.index("-m") + 2] != ["ipykernel_launcher"] \
            or "-f" not in command:
        return None
    connection_file = command[command.index("-f") + 1]
    return [command[0], "-I", "-S", SHIM, ensure_server(command[0]), connection_file]


def warm_kernel_manager_class():
    """A jupyter_client kernel manager that starts the kernel as a child of the warm server (`kernel_command`); the
    usual kernel when the server cannot be had."""
    from jupyter_client.manager import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            try:
                return kernel_command(command) or command
            except (OSError, RuntimeError) as error:
                print(f"warning: no warm kernel ({error}); starting the kernel the usual way", file=sys.stderr)
                return command

    return WarmKernelManager


# ----------------------------------------------------------------------------------------------------------------
# The server


def _send(connection: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):
        connection.sendall((json.dumps(message) + "\n").encode())


def _receive_request(connection: socket.socket) -> tuple[dict, list[int]] | None:
    """The shim's request (one JSON line) and the file descriptors sent with it; None for a bare connection (a
    liveness check)."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, received, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        fds += received
        if not chunk:
            return None
        data += chunk
    return json.loads(data), fds


def _take_over(request: dict, fds: list[int]) -> None:
    """In the forked child: the default signal handlers, the caller's standard streams (`fds`), working directory
    (also first on sys.path, as for `python -m` started there) and environment."""
    for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path.insert(0, request["cwd"])


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: take over the shim's streams, directory and environment, then run ipykernel."""
    _take_over(request, fds)
    sys.argv = [request["argv0"], "-f", request["connection_file"]]
    from ipykernel.kernelapp import IPKernelApp

    # The kernel's parent is the server: the kernel watches it (and ends with it), as a kernel watches the process
    # that started it.
    IPKernelApp.launch_instance(argv=["-f", request["connection_file"], f"--IPKernelApp.parent_handle={os.getppid()}"])


def _run_module(request: dict, fds: list[int]) -> int:
    """In the forked child: become `python -m <module> <argv>` in the caller's streams, directory and environment
    (the project's code is imported here, fresh from disk: the server never imports it); returns the exit status."""
    import runpy

    _take_over(request, fds)
    # The server's own streams are its log; the child writes to the caller's (line by line, as a terminal would get).
    sys.stdin, sys.stdout, sys.stderr = (open(fd, mode, buffering=1, encoding="utf-8", closefd=False,  # noqa: SIM115
                                              errors="backslashreplace" if fd == 2 else "strict")
                                         for fd, mode in ((0, "r"), (1, "w"), (2, "w")))
    os.environ[CHILD_ENV] = "1"
    sys.argv = [request["module"], *request["argv"]]
    status = 0
    try:
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
        status = code if isinstance(code, int) else (0 if code is None else (print(code, file=sys.stderr) or 1))
    except KeyboardInterrupt:
        status = 130
    except BaseException:  # noqa: BLE001 - as the interpreter would: the traceback, status 1
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    return status


def run_in_server(module: str, argv: list[str], python: str = sys.executable) -> int | None:
    """Run `python -m module argv` as a child of the warm server (started when there is none) and return its exit
    status; this process stands in for it meanwhile (its streams are the child's, its signals are forwarded). None
    when no server can be had: the caller then runs the module itself."""
    try:
        path = ensure_server(python)
    except (OSError, RuntimeError) as error:
        print(f"warning: no warm server ({error}); running here", file=sys.stderr)
        return None
    client = _connect(path)
    if client is None:
        return None
    request = {"module": module, "argv": list(argv), "cwd": os.getcwd(), "env": dict(os.environ)}
    return _stand_in(client, request)


def serve(path: str, idle: float = IDLE_SECONDS) -> None:
    """Import WARM_IMPORTS, listen on `path`, fork a kernel per request; exit after `idle` seconds without one."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import importlib

    for name in BLOCKED_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    for name in WARM_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # pid -> the shim's connection
    last = time.monotonic()
    try:
        while kernels or time.monotonic() - last < idle:
            for key, _ in selector.select(timeout=0.2):
                if key.fileobj is listener:
                    connection, _ = listener.accept()
                    request = _receive_request(connection)
                    if request is None:
                        connection.close()
                        continue
                    message, fds = request
                    if message.get("usage"):  # for make bench: the CPU of the server and its kernels so far
                        mine, kernels_ = (resource.getrusage(who) for who in
                                          (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
                        _send(connection, {"cpu": mine.ru_utime + mine.ru_stime + kernels_.ru_utime
                                           + kernels_.ru_stime})
                        connection.close()
                        for fd in fds:
                            os.close(fd)
                        continue
                    if message.get("stop"):
                        connection.close()
                        for fd in fds:
                            os.close(fd)
                        return
                    last = time.monotonic()
                    pid = os.fork()
                    if pid == 0:  # the kernel: nothing of the server's sockets stays open in it
                        try:
                            selector.close()
                            for socket_ in (listener, connection, *kernels.values()):
                                socket_.close()
                            if message.get("module"):
                                os._exit(_run_module(message, fds))
                            _become_kernel(message, fds)
                        finally:
                            os._exit(0)
                    for fd in fds:
                        os.close(fd)
                    kernels[pid] = connection
                    selector.register(connection, selectors.EVENT_READ, pid)
                    _send(connection, {"pid": pid})
                else:  # the shim went away (killed): so does its kernel
                    pid = key.data
                    selector.unregister(key.fileobj)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            for pid in list(kernels):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    connection = kernels.pop(pid)
                    with contextlib.suppress(KeyError, ValueError):
                        selector.unregister(connection)
                    _send(connection, {"exit": os.waitstatus_to_exitcode(status)})
                    connection.close()
                    last = time.monotonic()
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        listener.close()


def usage(path: str) -> float | None:
    """CPU seconds (user + system) of the server at `path` and of the kernels it forked that ended; None without one."""
    client = _connect(path)
    if client is None:
        return None
    with client:
        client.sendall(b'{"usage": true}\n')
        line = client.makefile("r").readline()
    return float(json.loads(line)["cpu"]) if line else None


def stop(path: str) -> bool:
    """Stop the server at `path` (it serves no kernel then); False when there was none."""
    client = _connect(path)
    if client is None:
        return False
    client.sendall(b'{"stop": true}\n')
    client.close()
    return True


# ----------------------------------------------------------------------------------------------------------------
# The shim (run by path with python -I -S: the standard library only)


def shim(path: str, connection_file: str) -> int:
    """Stand in for the kernel process: have the server fork the kernel, forward signals to it, return its status."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(path)
    request = {"connection_file": connection_file, "cwd": os.getcwd(), "env": dict(os.environ),
               "argv0": sys.executable}
    return _stand_in(client, request)


def _stand_in(client: socket.socket, request: dict) -> int:
    """Send `request` with this process's standard streams, forward its signals to the child the server forks,
    return the child's exit status."""
    socket.send_fds(client, [(json.dumps(request) + "\n").encode()], [0, 1, 2])
    reader = client.makefile("r")
    pid = json.loads(reader.readline())["pid"]

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    line = reader.readline()
    return int(json.loads(line).get("exit", 1)) if line else 1


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers.publish.warm", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="run a warm server on SOCKET (started by the runner)")
    serving.add_argument("socket")
    serving.add_argument("--idle", type=float, default=IDLE_SECONDS)
    commands.add_parser("stop", help="stop the warm server of this environment")
    commands.add_parser("usage", help="print the CPU seconds of the server and its ended kernels (make bench)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.socket, args.idle)
        return 0
    if args.command == "usage":
        print(usage(socket_path()) or 0.0)
        return 0
    print("stopped" if stop(socket_path()) else "no warm server running")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and not sys.argv[1].startswith("-") and sys.argv[1] not in {"serve", "stop", "usage"}:
        sys.exit(shim(sys.argv[1], sys.argv[2]))  # the shim: SOCKET CONNECTION_FILE
    sys.exit(main())
