import json
import lss_sol_rules.watch.durable_backend as db

log = open("/tmp/dr_calls2.jsonl", "w")
real = db._ruleset


class Proxy:
    def __init__(self, h):
        self.h = h

    def assert_fact(self, name, f):
        log.write(json.dumps(["A", f]) + "\n")
        log.flush()
        return self.h.assert_fact(name, f)

    def retract_fact(self, name, f):
        log.write(json.dumps(["R", f]) + "\n")
        log.flush()
        return self.h.retract_fact(name, f)


db._ruleset = lambda: Proxy(real())
from test_watch import TestWatchMachine  # noqa
