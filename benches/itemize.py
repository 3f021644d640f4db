#!/usr/bin/env python3
"""Turns a `realistic_plan` (examples/realistic_plan.rs) into a throughput-based one, for
measuring item-sized tasks against estimated ones on the same network (README, "Monte
Carlo"): every team gets 20 daily throughput samples, and each task with a three-point
estimate becomes item-sized with probability SHARE (items around its likely duration times
3 / capacity). SHARE 0 only adds the throughput lines.

    benches/itemize.py PLAN.toml SHARE OUT.toml
"""
import re,sys,random
src=open(sys.argv[1]).read(); share=float(sys.argv[2]); random.seed(5)
caps=dict(re.findall(r'\[teams\.(\w+)\]\ncapacity = (\d+)',src))
def team_block(m):
    t=m.group(1); samples=[random.choice([0,1,2,3,3,4,5,6]) for _ in range(20)]
    if sum(samples)==0: samples[0]=3
    return m.group(0)+"throughput = { per = \"day\", samples = %s }\n"%samples
src=re.sub(r'\[teams\.(\w+)\]\ncapacity = \d+\n',team_block,src)
out=[]
for block in src.split('\n[[tasks]]\n'):
    m=re.search(r'team = "(\w+)"\nestimate = \{[^}]*likely = ([\d.]+)[^}]*\}',block)
    if m and random.random()<share:
        c=int(caps[m.group(1)]); likely=float(m.group(2)); n=max(1,round(likely*3/c))
        block=block.replace(m.group(0),'team = "%s"\nitems = { low = %d, high = %d }'%(m.group(1),max(1,n-1),n+2))
    out.append(block)
open(sys.argv[3],'w').write('\n[[tasks]]\n'.join(out))
