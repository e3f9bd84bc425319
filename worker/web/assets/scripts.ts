/**
 * The dashboard's JavaScript: small progressive enhancements only; every page works without them.
 *
 * - `app.js` (every page): forms with `data-confirm` ask first; buttons with `data-copy` copy text;
 *   selects with `data-autosubmit` submit their form on change.
 * - `passkeys.js` (2FA pages only): WebAuthn ceremonies (W3C WebAuthn L3 §5.1.3 / §5.1.4) with the
 *   options the server put in `data-options`, posting the JSON result back into the form's `response`
 *   field. Without JavaScript or WebAuthn the passkey buttons stay hidden.
 */
export const APP_JS = `
document.addEventListener("submit",function(e){var f=e.target,m=f.getAttribute&&f.getAttribute("data-confirm");if(m&&!confirm(m))e.preventDefault()},true);
document.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[data-copy]");if(!b||!navigator.clipboard)return;navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function(){var t=b.textContent;b.textContent="Copied";setTimeout(function(){b.textContent=t},1500)})});
document.addEventListener("change",function(e){var s=e.target;if(s.hasAttribute&&s.hasAttribute("data-autosubmit")&&s.form)s.form.requestSubmit()});
`.trim();

export const PASSKEYS_JS = `
(function(){
function b2u(b){var s="",a=new Uint8Array(b);for(var i=0;i<a.length;i++)s+=String.fromCharCode(a[i]);return btoa(s).replace(/\\+/g,"-").replace(/\\//g,"_").replace(/=+$/,"")}
function u2b(s){s=s.replace(/-/g,"+").replace(/_/g,"/");while(s.length%4)s+="=";var r=atob(s),a=new Uint8Array(r.length);for(var i=0;i<r.length;i++)a[i]=r.charCodeAt(i);return a.buffer}
function cred(c){var r=c.response,o={id:c.id,rawId:b2u(c.rawId),type:c.type,clientExtensionResults:c.getClientExtensionResults(),authenticatorAttachment:c.authenticatorAttachment||undefined,response:{clientDataJSON:b2u(r.clientDataJSON)}};
if(r.attestationObject){o.response.attestationObject=b2u(r.attestationObject);o.response.transports=r.getTransports?r.getTransports():[]}
if(r.authenticatorData){o.response.authenticatorData=b2u(r.authenticatorData);o.response.signature=b2u(r.signature);if(r.userHandle)o.response.userHandle=b2u(r.userHandle)}return o}
if(!window.PublicKeyCredential)return;
document.querySelectorAll("form[data-webauthn]").forEach(function(f){
var btn=f.querySelector("button[data-start]"),out=f.querySelector("[data-status]");if(btn)btn.hidden=false;
f.addEventListener("submit",function(e){if(f.elements.response.value)return;e.preventDefault();
var o=JSON.parse(f.getAttribute("data-options")),p;
if(f.getAttribute("data-webauthn")==="register"){o.challenge=u2b(o.challenge);o.user.id=u2b(o.user.id);(o.excludeCredentials||[]).forEach(function(c){c.id=u2b(c.id)});p=navigator.credentials.create({publicKey:o})}
else{o.challenge=u2b(o.challenge);(o.allowCredentials||[]).forEach(function(c){c.id=u2b(c.id)});p=navigator.credentials.get({publicKey:o})}
p.then(function(c){f.elements.response.value=JSON.stringify(cred(c));f.submit()},function(err){if(out)out.textContent="The passkey request did not complete: "+err.message})})})})();
`.trim();
