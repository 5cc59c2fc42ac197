# Run a command on a terminal of its own and close that terminal when told: what happens when the
# operator's terminal window closes mid-run. `python3 hangup-terminal.py COMMAND ARGS...`: the command
# becomes a session leader with a new pseudo-terminal as its controlling terminal and as its stdin,
# stdout and stderr (the terminal's output is read and kept, so the command never blocks writing).
# A line on this script's stdin closes the terminal: the kernel sends the command SIGHUP and its
# terminal reads and writes fail from then on; then a second SIGHUP, as the user's shell would send. Prints one JSON line: how the command ended and the
# last of what it wrote to the terminal.
import json
import os
import pty
import select
import signal
import sys
import time

pid, master = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

output = b''
hang_up = False
while not hang_up:
    ready, _, _ = select.select([master, sys.stdin], [], [], 0.5)
    if master in ready:
        try:
            output = (output + os.read(master, 65536))[-4096:]
        except OSError:
            break
    if sys.stdin in ready:
        hang_up = True
os.close(master)
# An interactive shell that loses its terminal sends SIGHUP again to each of its jobs: so does this.
time.sleep(0.2)  # after the kernel's, as the shell's comes: two signals, not one merged
try:
    os.kill(pid, signal.SIGHUP)
except ProcessLookupError:
    pass
_, status = os.waitpid(pid, 0)
print(json.dumps({
    'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    'terminal': output.decode('utf8', 'replace'),
}))
