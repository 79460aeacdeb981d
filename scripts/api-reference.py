# Regenerates the "API reference" table at the end of each public package README (between the api:start /
# api:end markers): every export of every entry point, with the first sentence of its doc comment, else its shape.
# python3 scripts/api-reference.py (reads packages/*/package.json exports and the sources they name).
import re,os,json
pk=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages')
def module_path(d,spec):
    # A re-export from another workspace package (`@multidb/config`) resolves to that package's entry point.
    if spec.startswith('@multidb/'): return os.path.join(pk,spec.split('/')[1],'src','index.ts')
    return os.path.normpath(os.path.join(d,spec.replace('.js','.ts')))
def parse_exports(f):
    s=open(f).read()
    out=[]  # (name, sourcefile, kind)
    d=os.path.dirname(f)
    for m in re.finditer(r'export\s+(type\s+)?\{([^}]*)\}\s*from\s*\'([^\']+)\'',s):
        alltype=bool(m.group(1)); src=module_path(d,m.group(3))
        for n in m.group(2).split(','):
            n=n.strip()
            if not n: continue
            t=alltype or n.startswith('type ')
            n=re.sub(r'^type\s+','',n)
            orig=n.split(' as ')[0].strip(); n=n.split(' as ')[-1].strip()
            out.append((n,orig,src,t))
    for m in re.finditer(r"export \* from '([^']+)'",s):
        out+=parse_exports(os.path.normpath(os.path.join(d,m.group(1).replace('.js','.ts'))))
    return out
def resolve(name,src,depth=0):
    if not os.path.exists(src) or depth>4: return None
    s=open(src).read()
    m=re.search(r'((?:/\*\*(?:(?!\*/).)*?\*/\s*)?)export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function|const|class|interface|type|enum)\s+'+re.escape(name)+r'\b',s,re.S)
    if m: return m.group(1),m.group(2),s[m.end():m.end()+3000]
    # re-exported further
    for mm in re.finditer(r'export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*\'([^\']+)\'',s):
        names=[x.strip().split(' as ')[0].replace('type ','').strip() for x in mm.group(1).split(',')]
        if name in names: return resolve(name,module_path(os.path.dirname(src),mm.group(2)),depth+1)
    return None
def first_sentence(doc):
    t=re.sub(r'^/\*\*|\*/$','',doc.strip()).strip()
    t=' '.join(l.strip().lstrip('*').strip() for l in t.split('\n')).strip()
    t=re.sub(r'\s+',' ',t)
    m=re.match(r'(.+?\.)(\s|$)',t)
    r=(m.group(1) if m else t)
    if len(r)>200: r=r[:197].rsplit(' ',1)[0]+' …'
    return r.rstrip(':;')
def shape(kind,rest):
    rest=re.sub(r'//[^\n]*','',re.sub(r'/\*.*?\*/','',rest,flags=re.S))
    if kind in ('interface','class'):
        body=rest[rest.find('{')+1:]
        depth=0;names=[];cur=''
        top=[]
        i=0
        buf=''
        for ch in body:
            if ch in '{([<':
                if depth==0: buf+=ch
                depth+=1
                continue
            elif ch in '})]>':
                if depth==0: break
                depth-=1
            if depth==0: buf+=ch
        members=re.findall(r'(?:^|[;\n])\s*(?:readonly\s+|static\s+|async\s+|get\s+)*([A-Za-z_$#][\w$]*)\??\s*[(:<]',buf)
        members=[x for x in dict.fromkeys(members) if not x.startswith('#') and x not in ('constructor','private')]
        ext=re.match(r'\s*(?:<[^{]*?>)?\s*(extends\s+[^{]+)',rest)
        pre=(ext.group(1).strip()+' ') if ext else ''
        return (pre+'`{ '+', '.join(members)+' }`') if members else pre.strip()
    if kind=='type':
        m=re.match(r'\s*(?:<.*?>)?\s*=\s*([^;]+);',rest,re.S)
        t=re.sub(r'\s+',' ',m.group(1)).strip() if m else ''
        return ('`'+t+'`') if t and len(t)<120 else ''
    if kind=='function':
        m=re.match(r'\s*(<.*?>)?\s*\((.*?)\)\s*:\s*([^{]+)\{',rest,re.S)
        if m:
            params=re.findall(r'(?:^|,)\s*(\w+)\??\s*:',m.group(2))
            return f'`({", ".join(params)})`'
        return ''
    if kind=='const':
        m=re.match(r'\s*(?::[^=]+)?=\s*([^;\n]+)',rest)
        t=m.group(1).strip() if m else ''
        return ('`'+t+'`') if t and len(t)<80 else ''
    return ''
KIND={'function':'function','const':'constant','class':'class','interface':'type','type':'type','enum':'enum'}
for p in sorted(os.listdir(pk)):
    pj=json.load(open(f'{pk}/{p}/package.json'))
    if pj.get('private'): continue
    readme_p=f'{pk}/{p}/README.md'; readme=open(readme_p).read()
    lines=['<!-- api:start (the exports of each entry point, each with the first sentence of its doc comment) -->','## API reference','']
    for sub,v in pj['exports'].items():
        f=f"{pk}/{p}/"+(v['default'] if isinstance(v,dict) else v)
        if not f.endswith('.ts'): continue
        ex=parse_exports(f)
        entry=pj['name']+sub[1:]
        lines.append(f'### `{entry}`'); lines.append('')
        lines.append('| export | kind | what it is |'); lines.append('| --- | --- | --- |')
        seen=set()
        for n,orig,src,t in sorted(ex,key=lambda e:e[0].lower()):
            if n in seen: continue
            seen.add(n)
            r=resolve(orig,src)
            doc,kind=(first_sentence(r[0]) if r and r[0] else '', KIND.get(r[1],'?') if r else ('type' if t else '?'))
            if not doc and r: doc=shape(r[1],r[2])
            esc=doc.replace('|','\\|')
            lines.append(f'| `{n}` | {kind} | {esc} |')
        lines.append('')
    lines.append('<!-- api:end -->')
    block='\n'.join(lines)
    if '<!-- api:start' in readme:
        readme=re.sub(r'<!-- api:start.*?<!-- api:end -->',block,readme,flags=re.S)
    else:
        readme=readme.rstrip('\n')+'\n\n'+block+'\n'
    open(readme_p,'w').write(readme)
    missing=[l for l in lines if l.endswith('|  |')]
    print(p, len(seen), 'no doc:', [l.split('`')[1] for l in missing])
