// Shared by both frontends: tell the server our time zone so dates show in
// local time from the next page on (the sign-in page, usually the first,
// shows no dates). Without it everything stays in UTC.
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* keep UTC */ }
})();
