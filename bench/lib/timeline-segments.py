# For bench/timeline.sh: splits `perf script` output into runs (a gap of 80 ms or more between events) and prints the
# median, min and max of each step of a run's process chain, from the engine's spawn of setsid to its return.
import sys, re, statistics
runs=[]; cur=[]; last=None
for line in open(sys.argv[1]):
    m=re.match(r'\s*(.+?)\s+(\d+)/(\d+)\s+\[\d+\]\s+([\d.]+):\s+(\S+):', line)
    if not m: continue
    comm,pid,tid,t,ev=m.group(1),m.group(2),m.group(3),float(m.group(4)),m.group(5)
    if last is not None and t-last>0.08:
        if cur: runs.append(cur); cur=[]
    last=t; cur.append((t,comm,ev,line))
if cur: runs.append(cur)
names=['spawn->setsid exec','setsid exec->ctmon exec','ctmon exec->launch clone','launch clone->ctinit exec','ctinit exec->go (unshare)','go->cgroup unshare','cgroup->execve true','true runs','true exit->wait4','wait4->exit.json','exit.json->engine done','TOTAL']
res={n:[] for n in names}
for r in runs:
    def first(pred, after=0):
        for (t,c,e,l) in r:
            if t>=after and pred(c,e,l): return t
        return None
    t0=r[0][0]
    a=first(lambda c,e,l: c.startswith('Pipeline') and 'clone3' in e)
    b=first(lambda c,e,l: c=='setsid' and e.endswith('sched_process_exec'))
    c=first(lambda c,e,l: c=='ctmon' and e.endswith('sched_process_exec'))
    d=first(lambda c,e,l: c=='ct launch' and 'clone3' in e)
    e_=first(lambda c,e,l: c=='ctinit' and e.endswith('sched_process_exec'))
    f=first(lambda c,e,l: c=='ctinit' and 'unshare' in e)
    g=first(lambda c,e,l: c=='ctinit' and 'unshare' in e, (f or 0)+0.0001)
    h=first(lambda c,e,l: c=='ctinit' and 'sys_enter_execve' in e)
    i=first(lambda c,e,l: c=='true' and e.endswith('sched_process_exec'))
    j=first(lambda c,e,l: c=='true' and 'exit_group' in e)
    k=first(lambda c,e,l: c=='ctmon' and 'wait4' in e, j or 0)
    l_=first(lambda c,e,l: c=='ctmon' and 'rename' in e, k or 0)
    m_=first(lambda c,e,l: c=='attach client' and 'process_exit' in e)
    end=r[-1][0]
    seq=[a,b,c,d,e_,f,g,h,j,k,l_,m_]
    if None in seq: continue
    vals=[b-a,c-b,d-c,e_-d,f-e_,g-f,h-g,j-i,k-j,l_-k,m_-l_,m_-t0]
    for n,v in zip(names,vals): res[n].append(v*1000)
print('runs', len(res['TOTAL']))
for n in names:
    v=res[n]
    if v: print('%-28s median %6.2f  min %6.2f  max %6.2f' % (n, statistics.median(v), min(v), max(v)))
