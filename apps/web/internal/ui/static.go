package ui

import "net/http"

func httpFS() http.FileSystem { return http.FS(Static()) }
