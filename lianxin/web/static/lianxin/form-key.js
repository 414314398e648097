/* The idempotency key of a page form survives Back and reload (see lianxin.core.forms,
   FormKeyField). The key a history entry's form was first given is kept in that entry's state;
   when the entry is shown again (Back, Forward, reload), the page comes afresh from the server
   with a new key ("new") and the kept one is put back, so that submitting the same form again
   leads to what its first submission made. A form opened afresh is a new entry without state
   and keeps its new key; a key that came back with a submission ("kept") replaces the kept
   one. Replacing the state also turns the result of a POST into an entry that Back and reload
   fetch with GET, instead of asking to send the form again. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-form-key]");
  if (!inputs.length || !window.history || !history.replaceState) return;
  var state = history.state && typeof history.state === "object" ? history.state : {};
  var kept = state.lianxinFormKeys || {};
  var keys = {};
  for (var i = 0; i < inputs.length; i++) {
    var input = inputs[i];
    var slot = input.name + "#" + i;
    if (input.getAttribute("data-form-key") === "new" && kept[slot]) input.value = kept[slot];
    keys[slot] = input.value;
  }
  var next = {};
  for (var name in state) {
    if (Object.prototype.hasOwnProperty.call(state, name)) next[name] = state[name];
  }
  next.lianxinFormKeys = keys;
  try {
    history.replaceState(next, "", location.href);
  } catch (e) {
    /* No state here (a sandboxed frame): the form keeps the key it came with. */
  }
})();
