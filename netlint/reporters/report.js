(function(){
'use strict';
var table=document.getElementById('findings-table');if(!table)return;
var tbody=table.tBodies[0];
var rows=Array.prototype.slice.call(tbody.querySelectorAll('tr.finding'));
var ctl=document.getElementById('finding-controls');ctl.hidden=false;
var q=document.getElementById('f-text'),sev=document.getElementById('f-severity'),
rule=document.getElementById('f-rule'),fam=document.getElementById('f-family'),
grp=document.getElementById('f-group'),shown=document.getElementById('f-shown');
var sortKey='',sortDir=1;
function val(r,k){if(k==='severity')return -Number(r.dataset.sevrank);
if(k==='line')return Number(r.dataset.line);return (r.dataset[k]||'').toLowerCase();}
function cmp(a,b){var g=grp.value;var ga=a.dataset[g],gb=b.dataset[g];
if(ga!==gb)return ga<gb?-1:1;
if(sortKey){var x=val(a,sortKey),y=val(b,sortKey);if(x<y)return -sortDir;if(x>y)return sortDir;}
var la=a.dataset.file+'\u0000'+('0000000'+a.dataset.line).slice(-8),
lb=b.dataset.file+'\u0000'+('0000000'+b.dataset.line).slice(-8);
if(la!==lb)return la<lb?-1:1;return Number(a.dataset.index)-Number(b.dataset.index);}
function render(){var t=q.value.toLowerCase(),s=sev.value,r=rule.value,f=fam.value,g=grp.value;
var keep=rows.filter(function(row){
if(s&&row.dataset.severity!==s)return false;if(r&&row.dataset.rule!==r)return false;
if(f&&row.dataset.family!==f)return false;
if(t&&row.textContent.toLowerCase().indexOf(t)<0)return false;return true;});
keep.sort(cmp);
while(tbody.firstChild)tbody.removeChild(tbody.firstChild);
var last=null,count={};keep.forEach(function(row){count[row.dataset[g]]=(count[row.dataset[g]]||0)+1;});
keep.forEach(function(row){var key=row.dataset[g];if(key!==last){last=key;
var tr=document.createElement('tr');tr.className='group';var th=document.createElement('th');
th.colSpan=4;th.textContent=key+' ('+count[key]+')';tr.dataset.group=key;tr.appendChild(th);tbody.appendChild(tr);}
tbody.appendChild(row);});
shown.textContent=String(keep.length);}
Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-key]'),function(th){
th.addEventListener('click',function(){var k=th.dataset.key;sortDir=(sortKey===k)?-sortDir:1;sortKey=k;
Array.prototype.forEach.call(table.tHead.querySelectorAll('th'),function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',sortDir>0?'ascending':'descending');render();});});
[q,sev,rule,fam,grp].forEach(function(el){el.addEventListener('input',render);el.addEventListener('change',render);});
render();
})();
