// Usage: go run receive.go <ws url> <count>
//
// Connects the way the official CertStream Go client (CaliDog/certstream-go) does - gorilla/websocket's
// DefaultDialer, ReadJSON into an interface{} per frame, "message_type" looked up, heartbeats skipped - and prints
// one JSON line per certificate_update ({cert_index, update_type, all_domains, source_url}) until <count> arrived,
// then exits 0. The official module is fetched from GitHub, out of reach here; gorilla/websocket, the library it is
// built on and that does the framing, comes from Debian (golang-github-gorilla-websocket-dev).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	url := os.Args[1]
	wanted, _ := strconv.Atoi(os.Args[2])
	time.AfterFunc(60*time.Second, func() {
		fmt.Fprintf(os.Stderr, "timed out waiting for %d certificates\n", wanted)
		os.Exit(1)
	})

	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error connecting to certstream:", err)
		os.Exit(1)
	}
	defer c.Close()
	fmt.Println("Connection established to CertStream! Listening for events...")

	for seen := 0; seen < wanted; {
		var v interface{}
		if err := c.ReadJSON(&v); err != nil {
			fmt.Fprintln(os.Stderr, "Error decoding json frame:", err)
			os.Exit(1)
		}
		frame, ok := v.(map[string]interface{})
		if !ok {
			fmt.Fprintln(os.Stderr, "frame is not a JSON object")
			os.Exit(1)
		}
		messageType, _ := frame["message_type"].(string)
		if messageType == "heartbeat" {
			continue
		}
		data := frame["data"].(map[string]interface{})
		leaf := data["leaf_cert"].(map[string]interface{})
		source := data["source"].(map[string]interface{})
		line, _ := json.Marshal(map[string]interface{}{
			"cert_index":  data["cert_index"],
			"update_type": data["update_type"],
			"all_domains": leaf["all_domains"],
			"source_url":  source["url"],
		})
		fmt.Println(string(line))
		seen++
	}
}
