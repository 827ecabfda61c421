import re,sys
src=open('lib.rs').read()
lines=src.split('\n')

def item_span(start_idx):
    # extend upward over doc comments/attributes
    s=start_idx
    while s>0 and (lines[s-1].strip().startswith('///') or lines[s-1].strip().startswith('#[') or lines[s-1].strip().startswith('//')) and lines[s-1].startswith(lines[start_idx][:len(lines[start_idx])-len(lines[start_idx].lstrip())]) :
        s-=1
    indent=len(lines[start_idx])-len(lines[start_idx].lstrip())
    # find end: first line after start that equals indent*' '+'}' 
    e=start_idx
    if lines[start_idx].rstrip().endswith(';'):
        return s,start_idx
    while True:
        e+=1
        if lines[e]==' '*indent+'}' or lines[e]==' '*indent+'};':
            return s,e

def find(pattern):
    for i,l in enumerate(lines):
        if re.match(pattern,l):
            return i
    raise Exception('not found '+pattern)

def method(name):
    return find(r'^    (pub(\(crate\))? )?fn '+name+r'\b')

def top(pattern):
    return find(pattern)

plan = {
 'safety': {'top':[r'^/// What a validator must remember across restarts', ], 'methods':['sign','may_vote_in','prepare_vote','persist','maybe_commit_vote','local_timeout','sign_epoch_end']},
 'aggregator': {'top':[], 'methods':['accept_vote','accept_commit_vote','accept_timeout','record_evidence']},
 'pacemaker': {'top':[], 'methods':['current_timeout','advance','on_tick','process_tc']},
 'validation': {'top':[], 'methods':['digest','is_verified','mark_verified','check_qc','check_tc','check_proposal','handle_proposal','handle_vote','handle_commit_vote','handle_certificate','handle_commit_certificate','handle_timeout']},
 'finality': {'top':[], 'methods':['process_qc','finalize_by','with_finalized','add_root','prefer_root','remember_block','remember_qc_block']},
 'epoch': {'top':[], 'methods':['end_epoch','has_ended','epoch_end_certificate']},
 'proposer': {'top':[], 'methods':['maybe_propose','on_block_built','try_vote','send_vote','on_proposal_block_ready','proposal_justify']},
}
taken=[]
out={}
for mod,p in plan.items():
    chunks=[]
    for name in p['methods']:
        i=method(name)
        s,e=item_span(i)
        chunk=lines[s:e+1]
        # make private fns pub(crate)
        chunk=[re.sub(r'^    fn ', '    pub(crate) fn ', l) if k==i-s else l for k,l in enumerate(chunk)]
        chunks.append('\n'.join(chunk))
        taken.append((s,e))
    out[mod]=chunks
# remove taken spans (and one following blank line)
remove=set()
for s,e in taken:
    for k in range(s,e+1): remove.add(k)
    if e+1<len(lines) and lines[e+1].strip()=='' : remove.add(e+1)
rest=[l for k,l in enumerate(lines) if k not in remove]
open('lib.rs.rest','w').write('\n'.join(rest))
for mod,chunks in out.items():
    open(mod+'.rs.body','w').write('\n\n'.join(chunks)+'\n')
print('ok', {m:len(c) for m,c in out.items()})
