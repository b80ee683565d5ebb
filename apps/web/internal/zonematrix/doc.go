// Package zonematrix holds the time-zone matrix of issue 29 (item 5) and
// nothing else: its tests start the backend, the web app and the
// assistant as real processes on PostgreSQL, make all-day and timed tasks
// through every door a person has (REST, MCP, the web form, quick add,
// the assistant, a JSON import) in one zone, move the person to another
// and read every surface back from what it renders — REST and MCP JSON,
// the calendar feed, the CSV export, the web pages' HTML — checking that
// an all-day task shows one date everywhere and a timed one one instant.
// `make zones` runs it.
//
// It lives in the web module because that module already starts the
// other apps as processes for its tests (pkg/testkit/stacktest) and reads
// their pages; it uses nothing of the web app's code, so what it checks is
// only what the apps send.
package zonematrix
