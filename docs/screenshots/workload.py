# A small, deterministic set of sockets for the README screenshot of `usage`: two listeners, one of them inside
# the ephemeral range, 120 client connections to one of them, a third of them closed into TIME_WAIT.
import socket, time
listeners = []
for port in (5432, 45000):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(512); listeners.append(s)
clients, accepted = [], []
for i in range(120):
    c = socket.create_connection(("127.0.0.1", 5432)); clients.append(c)
    accepted.append(listeners[0].accept()[0])
for c, a in zip(clients[:40], accepted[:40]):
    c.close()  # the client closes first, so its side enters TIME_WAIT once the server closes too
    a.close()
time.sleep(600)
