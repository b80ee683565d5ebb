// Package zonematrix holds the time-zone matrix of issue 29 (item 5) and
// nothing else: its tests start the backend, the web app and the
// assistant as real processes on PostgreSQL, make all-day and timed tasks
// through every door a person has (REST, MCP, the web form, quick add,
// the assistant, a JSON import) in one zone, move the person to another
// and read every surface back from what it renders — REST and MCP JSON,
// the calendar feed, the CSV export, the web pages' HTML — checking that
// an all-day task shows one date everywhere and a timed one one instant.
// Besides the matrix (TestZoneMatrix, 51 pairs): reminders and daily
// series on DST days (TestAllDayRemindersOnDSTDays), a seeded property
// test on the backend's surfaces (TestZoneProperty; ZONES_SEED replays),
// and Chromium on four pairs with the person on Automatic
// (TestZoneMatrixInTheBrowser). `make zones` runs it (about a minute warm
// on two cores, most of it building the three apps and Chromium).
//
// It lives in the web module because that module already starts the
// other apps as processes for its tests (pkg/testkit/stacktest) and reads
// their pages; it uses nothing of the web app's code, so what it checks is
// only what the apps send.
package zonematrix
