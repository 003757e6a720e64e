# Four threads each allocate and fill a buffer, then join: thread stacks, arenas, mprotect.
import threading

def work(n):
    buf = bytearray(n * 65536)
    for i in range(0, len(buf), 4096):
        buf[i] = 1

ts = [threading.Thread(target=work, args=(k + 1,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
