"""One POT trial of the Sinkhorn benchmark (run in its own process so ru_maxrss is this trial's peak memory).

usage: potCase.py SOURCE.npy TARGET.npy EPSILON METHOD STOP_THR MAX_ITER
Prints one JSON line: seconds (including building M = ½·dist²), transport cost <M,P>, L1 marginal error, peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np
import ot

src, tgt, eps, method, thr, max_iter = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], float(sys.argv[5]), int(sys.argv[6])
x = np.load(src)
y = np.load(tgt)
a = np.full(x.shape[0], 1.0 / x.shape[0])
b = np.full(y.shape[0], 1.0 / y.shape[0])
t0 = time.perf_counter()
M = ot.dist(x, y) / 2.0  # squared Euclidean / 2, the cost ½‖x−y‖²
P = ot.sinkhorn(a, b, M, eps, method=method, stopThr=thr, numItermax=max_iter)
seconds = time.perf_counter() - t0
cost = float(np.sum(P * M))
err = float(np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum())
print(json.dumps({
    "method": method, "stopThr": thr, "seconds": seconds, "cost": cost, "marginalError": err,
    "finite": bool(np.isfinite(P).all()), "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
