"""Process, port and user helpers shared by LocalKafka and LocalPostgres (stdlib only)."""

from __future__ import annotations

import errno
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Optional, Sequence

HOST = "127.0.0.1"


class LocalStackError(RuntimeError):
    """A local server could not be prepared, started or stopped."""


class PortInUseError(LocalStackError):
    """A port we were asked to listen on belongs to something else."""


# --------------------------------------------------------------------------- ports


def port_answers(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_bindable(port: int, host: str = HOST) -> bool:
    """True when we could listen on host:port ourselves (SO_REUSEADDR, like the servers do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def ensure_port_free(port: int, what: str, env_var: str) -> None:
    """Raise PortInUseError naming the port and how to choose another one."""
    if port_answers(port) or not port_bindable(port):
        raise PortInUseError(
            f"port {port} on {HOST} (wanted for {what}) is already in use by another process. "
            f"Stop that process or choose another port, e.g. `export {env_var}=<free port>` "
            f"(tests pick free ports by themselves)."
        )


def free_port(host: str = HOST) -> int:
    """A port the kernel considers free right now (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- processes


def pid_alive(pid: Optional[int], comm: Optional[Sequence[str]] = None) -> bool:
    """True for a live process (not a zombie); with comm, only if its name is one of those."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill(0)
    name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 1:].split()
    if rest and rest[0] == "Z":
        # A zombie leader whose other threads still run (a JVM shutting down) is still alive.
        try:
            return len(os.listdir(f"/proc/{pid}/task")) > 1
        except OSError:
            return False
    return comm is None or name in comm


def read_pid(path: Path) -> Optional[int]:
    """First line of a pid file as int, or None."""
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def write_pid(path: Path, pid: int) -> None:
    tmp = Path(f"{path}.tmp")
    tmp.write_text(f"{pid}\n")
    os.replace(tmp, path)


def signal_group(pid: int, sig: int) -> None:
    """Signal pid's whole process group when pid leads it, else pid alone."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except ProcessLookupError:
        pass


def wait_gone(pid: int, timeout: float, reap: Optional[Callable[[], object]] = None) -> bool:
    """Wait until pid is gone (reap() is called each round for our own children)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reap is not None:
            reap()
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return not pid_alive(pid)


def wait_group_gone(pgid: int, timeout: float) -> bool:
    """Wait until no process is left in process group pgid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        time.sleep(0.05)
    return False


def terminate(pid: int, timeout: float, reap: Optional[Callable[[], object]] = None) -> None:
    """SIGTERM, wait up to timeout, then SIGKILL the process group."""
    if not pid_alive(pid):
        return
    signal_group(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout, reap):
        signal_group(pid, signal.SIGKILL)
        wait_gone(pid, 10.0, reap)


def wait_until(
    check: Callable[[], bool],
    timeout: float,
    what: str,
    diagnose: Callable[[], str] = lambda: "",
    abort: Callable[[], Optional[str]] = lambda: None,
    interval: float = 0.1,
) -> float:
    """Poll check() until true; return the seconds waited. abort() may return a reason to fail early."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        reason = abort()
        if reason:
            raise LocalStackError(f"{what} failed: {reason}\n{diagnose()}")
        if time.monotonic() - start > timeout:
            raise LocalStackError(f"{what} did not happen within {timeout:.0f}s\n{diagnose()}")
        time.sleep(interval)


def tail(path: Path, lines: int = 40) -> str:
    """Last lines of a log file, for error messages."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return f"(no log at {path})"
    body = "\n".join(text.splitlines()[-lines:])
    return f"--- last lines of {path} ---\n{body}"


def run(cmd: Sequence[str], what: str, timeout: float = 300.0, **kwargs) -> str:
    """Run a short command; return stdout; raise LocalStackError with its output on failure.

    Output goes through temporary files, not pipes: a daemon that a command leaves behind
    must not keep our pipe open (pg_ctl start would otherwise hang).
    """
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        try:
            proc = subprocess.run(
                list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                text=True, timeout=timeout, **kwargs,
            )
        except FileNotFoundError as exc:
            raise LocalStackError(f"{what}: command not found: {cmd[0]} ({exc})") from None
        except subprocess.TimeoutExpired:
            raise LocalStackError(f"{what}: timed out after {timeout:.0f}s: {' '.join(cmd)}") from None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise LocalStackError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n{stderr.strip()}\n{stdout.strip()}".rstrip()
        )
    return stdout


# --------------------------------------------------------------------------- users


def is_root() -> bool:
    return os.geteuid() == 0


def service_user(preferred: Sequence[str] = ("postgres",), fallback: str = "yishi") -> Optional[str]:
    """The unprivileged user to run a server as when we are root (None when not root).

    Uses the first existing preferred user, else creates `fallback` as a system user.
    """
    if not is_root():
        return None
    for name in preferred:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    try:
        pwd.getpwnam(fallback)
        return fallback
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        raise LocalStackError(
            f"running as root and no unprivileged user ({', '.join(preferred)}, {fallback}) exists; "
            f"`useradd` is missing too, so create one by hand"
        )
    run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", fallback], f"creating system user {fallback!r}")
    return fallback


def as_user(cmd: Sequence[str], user: Optional[str]) -> list[str]:
    """Prefix cmd with `runuser -u user --` when a user is given."""
    return ["runuser", "-u", user, "--", *cmd] if user else list(cmd)


def chown_tree(path: Path, user: str) -> None:
    """Give path (recursively) to user, skipping files it already owns."""
    pw = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            st = os.lstat(name)
            if st.st_uid != pw.pw_uid:
                os.lchown(name, pw.pw_uid, pw.pw_gid)


def check_user_can_use(path: Path, user: Optional[str], write: bool = True) -> None:
    """Fail clearly when user cannot reach (and write) path, e.g. under a parent of mode 0700."""
    if not user:
        return
    test = ["test", "-w", str(path), "-a", "-x", str(path)] if write else ["test", "-x", str(path)]
    try:
        run(as_user(test, user), "access check")
    except LocalStackError:
        raise LocalStackError(
            f"the unprivileged user {user!r} (servers refuse to run as root) cannot "
            f"{'write' if write else 'reach'} {path}: some parent directory is not traversable by others "
            f"(mode 0700?). Use a directory it can reach (for the dev stack e.g. "
            f"`export YISHI_HOME=/var/tmp/yishi`) or `chmod o+x` the parents."
        ) from None
