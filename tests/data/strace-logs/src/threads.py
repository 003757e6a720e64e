# Two rounds of two threads that live at the same time; each allocates and fills a buffer in
# a fixed order (an Event per thread), so that thread stacks, malloc arenas and their mprotect
# calls come in the same order on every run, as a replay from another run's maps needs.
import threading

def work(n, wait, done):
    if wait:
        wait.wait()
    buf = bytearray(n * 65536)
    for i in range(0, len(buf), 4096):
        buf[i] = 1
    done.set()

for r in range(2):
    evs = [threading.Event() for _ in range(2)]
    ts = [threading.Thread(target=work, args=(2 * r + k + 1, evs[k - 1] if k else None, evs[k]))
          for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
