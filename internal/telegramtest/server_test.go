package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/internal/telegramtest"
)

const token = "123456:TEST-token"

var (
	anna = telegramtest.User{ID: 111, FirstName: "Anna", Username: "anna", LanguageCode: "uk"}
	omar = telegramtest.User{ID: 222, FirstName: "Omar", LanguageCode: "ar"}
)

type apiResponse struct {
	status      int
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

type update struct {
	UpdateID      int64    `json:"update_id"`
	Message       *message `json:"message"`
	EditedMessage *message `json:"edited_message"`
	CallbackQuery *struct {
		ID           string   `json:"id"`
		Data         string   `json:"data"`
		ChatInstance string   `json:"chat_instance"`
		From         user     `json:"from"`
		Message      *message `json:"message"`
	} `json:"callback_query"`
	MyChatMember *struct {
		Chat          chat `json:"chat"`
		From          user `json:"from"`
		NewChatMember struct {
			User   user   `json:"user"`
			Status string `json:"status"`
		} `json:"new_chat_member"`
	} `json:"my_chat_member"`
}

type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

type chat struct {
	ID    int64  `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title"`
}

type file struct {
	FileID   string `json:"file_id"`
	FileName string `json:"file_name"`
	FileSize int    `json:"file_size"`
	MimeType string `json:"mime_type"`
}

type message struct {
	MessageID int    `json:"message_id"`
	Date      int64  `json:"date"`
	EditDate  int64  `json:"edit_date"`
	Chat      chat   `json:"chat"`
	From      *user  `json:"from"`
	Text      string `json:"text"`
	Caption   string `json:"caption"`
	Entities  []struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Length int    `json:"length"`
		URL    string `json:"url"`
	} `json:"entities"`
	ReplyMarkup *struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	} `json:"reply_markup"`
	ReplyToMessage *message                               `json:"reply_to_message"`
	ForwardFrom    *user                                  `json:"forward_from"`
	Document       *file                                  `json:"document"`
	Photo          []file                                 `json:"photo"`
	Voice          *file                                  `json:"voice"`
	Location       *struct{ Latitude, Longitude float64 } `json:"location"`
	Venue          *struct{ Title string }                `json:"venue"`
	Contact        *struct {
		PhoneNumber string `json:"phone_number"`
	} `json:"contact"`
}

func methodURL(s *telegramtest.Server, method string) string {
	return fmt.Sprintf(s.Endpoint(), s.Token(), method)
}

func do(t *testing.T, req *http.Request) apiResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	r := apiResponse{status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: decode response: %v", req.URL.Path, err)
	}
	if r.OK != (resp.StatusCode == http.StatusOK) {
		t.Fatalf("%s: ok=%v with status %d", req.URL.Path, r.OK, resp.StatusCode)
	}
	return r
}

// call posts a form, as telegram-bot-api does.
func call(t *testing.T, s *telegramtest.Server, method string, params url.Values) apiResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, methodURL(s, method), strings.NewReader(params.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, req)
}

func callJSON(t *testing.T, s *telegramtest.Server, method string, body map[string]any) apiResponse {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, methodURL(s, method), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	return do(t, req)
}

func result[T any](t *testing.T, r apiResponse) T {
	t.Helper()
	var v T
	if !r.OK {
		t.Fatalf("call failed: %d %s", r.ErrorCode, r.Description)
	}
	if err := json.Unmarshal(r.Result, &v); err != nil {
		t.Fatalf("decode result %s: %v", r.Result, err)
	}
	return v
}

func wantError(t *testing.T, r apiResponse, code int, desc string) {
	t.Helper()
	if r.OK || r.status != code || r.ErrorCode != code || !strings.Contains(r.Description, desc) {
		t.Fatalf("got ok=%v status=%d error_code=%d %q, want %d containing %q", r.OK, r.status, r.ErrorCode, r.Description, code, desc)
	}
}

func getUpdates(t *testing.T, s *telegramtest.Server, params url.Values) []update {
	t.Helper()
	return result[[]update](t, call(t, s, "getUpdates", params))
}

func sendText(t *testing.T, s *telegramtest.Server, chatID int64, text string, extra url.Values) message {
	t.Helper()
	params := url.Values{"chat_id": {fmt.Sprint(chatID)}, "text": {text}}
	for k, v := range extra {
		params[k] = v
	}
	return result[message](t, call(t, s, "sendMessage", params))
}

const keyboard = `{"inline_keyboard":[[{"text":"Yes","callback_data":"confirm:1"},{"text":"Web","url":"https://example.org"}]]}`

func TestServer_Auth(t *testing.T) {
	s := telegramtest.MustStart(t, token)

	t.Run("GetMe", func(t *testing.T) {
		me := result[user](t, call(t, s, "getMe", nil))
		if !me.IsBot || me.ID != 123456 || me.Username != "lotse_test_bot" {
			t.Errorf("getMe = %+v", me)
		}
	})
	t.Run("MethodNamesIgnoreCase", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, methodURL(s, "GETME"), nil)
		result[user](t, do(t, req))
	})
	t.Run("WrongToken", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/bot999:nope/getMe", nil)
		wantError(t, do(t, req), 401, "Unauthorized")
	})
	t.Run("UnknownMethod", func(t *testing.T) {
		wantError(t, call(t, s, "sendTelepathy", nil), 404, "Not Found")
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/favicon.ico", nil)
		wantError(t, do(t, req), 404, "Not Found")
	})
	t.Run("Unsupported", func(t *testing.T) {
		s.Unsupported("setMyCommands")
		wantError(t, call(t, s, "setMyCommands", url.Values{"commands": {`[]`}}), 404, "Not Found")
		if got := s.Calls("setmycommands"); got != 1 {
			t.Errorf("Calls = %d, want 1", got)
		}
	})
}

func TestServer_GetUpdates(t *testing.T) {
	t.Run("RedeliversUntilConfirmed", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		first, second := s.SendText(anna, "hello"), s.SendText(omar, "/start de")
		if first != 1000 || second != 1001 {
			t.Fatalf("update ids %d, %d; want 1000, 1001", first, second)
		}
		for range 2 { // without an offset nothing is confirmed
			if ups := getUpdates(t, s, nil); len(ups) != 2 || ups[0].UpdateID != 1000 || ups[1].UpdateID != 1001 {
				t.Fatalf("getUpdates = %+v", ups)
			}
		}
		ups := getUpdates(t, s, url.Values{"offset": {"1001"}})
		if len(ups) != 1 || ups[0].Message.Text != "/start de" || s.Pending() != 1 {
			t.Fatalf("offset 1001: %+v, pending %d", ups, s.Pending())
		}
		e := ups[0].Message.Entities
		if len(e) != 1 || e[0].Type != "bot_command" || e[0].Offset != 0 || e[0].Length != 6 {
			t.Errorf("entities = %+v, want bot_command 0..6", e)
		}
		if ups := getUpdates(t, s, url.Values{"offset": {"1002"}}); len(ups) != 0 || s.Pending() != 0 {
			t.Errorf("offset 1002: %+v, pending %d", ups, s.Pending())
		}
	})
	t.Run("LimitAndNegativeOffset", func(t *testing.T) {
		s := telegramtest.MustStart(t, token, telegramtest.WithFirstUpdateID(1))
		for i := range 5 {
			s.SendText(anna, fmt.Sprint(i))
		}
		if ups := getUpdates(t, s, url.Values{"limit": {"2"}}); len(ups) != 2 || ups[0].UpdateID != 1 {
			t.Errorf("limit 2: %+v", ups)
		}
		if ups := getUpdates(t, s, url.Values{"offset": {"-2"}}); len(ups) != 2 || ups[0].UpdateID != 4 {
			t.Errorf("offset -2: %+v", ups)
		}
		if s.Pending() != 2 {
			t.Errorf("pending %d, want 2: a negative offset forgets the older", s.Pending())
		}
	})
	t.Run("LongPollWakesOnInject", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		go func() {
			time.Sleep(50 * time.Millisecond)
			s.SendText(anna, "late")
		}()
		start := time.Now()
		ups := getUpdates(t, s, url.Values{"timeout": {"20"}})
		if len(ups) != 1 || ups[0].Message.Text != "late" || time.Since(start) > 5*time.Second {
			t.Errorf("got %+v after %v", ups, time.Since(start))
		}
	})
	t.Run("LongPollTimesOut", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		start := time.Now()
		if ups := getUpdates(t, s, url.Values{"timeout": {"1"}}); len(ups) != 0 || time.Since(start) < 900*time.Millisecond {
			t.Errorf("got %+v after %v", ups, time.Since(start))
		}
	})
	t.Run("NewerPollEndsOlder", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		older := make(chan apiResponse)
		go func() { older <- call(t, s, "getUpdates", url.Values{"timeout": {"20"}}) }()
		waitCalls(t, s, "getUpdates", 1)
		_ = getUpdates(t, s, nil)
		wantError(t, <-older, 409, "terminated by other getUpdates request")
	})
	t.Run("AllowedUpdates", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		getUpdates(t, s, url.Values{"allowed_updates": {`["callback_query"]`}})
		if id := s.SendText(anna, "dropped"); id != 0 {
			t.Errorf("SendText = %d, want 0 for an excluded type", id)
		}
		if id := s.Press(anna, 1, "x"); id == 0 {
			t.Error("Press = 0, want an update_id")
		}
		ups := getUpdates(t, s, nil) // the setting stays
		if len(ups) != 1 || ups[0].CallbackQuery == nil {
			t.Errorf("got %+v", ups)
		}
	})
	t.Run("ConflictWithWebhook", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		result[bool](t, call(t, s, "setWebhook", url.Values{"url": {"https://example.org/hook"}}))
		wantError(t, call(t, s, "getUpdates", nil), 409, "webhook is active")
	})
}

func waitCalls(t *testing.T, s *telegramtest.Server, method string, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.Calls(method) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s called %d times, want %d", method, s.Calls(method), n)
		}
	}
}

func TestServer_Params(t *testing.T) {
	s := telegramtest.MustStart(t, token)

	t.Run("Form", func(t *testing.T) {
		sendText(t, s, anna.ID, "form", url.Values{"reply_markup": {keyboard}})
		got, _ := s.LastMessage(anna.ID)
		if got.Params["text"] != "form" || len(got.Buttons) != 1 || got.Buttons[0][0].CallbackData != "confirm:1" || got.Buttons[0][1].URL != "https://example.org" {
			t.Errorf("recorded %+v", got)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		var markup any
		_ = json.Unmarshal([]byte(keyboard), &markup)
		m := result[message](t, callJSON(t, s, "sendMessage", map[string]any{
			"chat_id": anna.ID, "text": "json", "reply_markup": markup, "disable_notification": true}))
		got, _ := s.LastMessage(anna.ID)
		var params any
		_ = json.Unmarshal([]byte(got.Params["reply_markup"]), &params)
		if got.Params["chat_id"] != "111" || got.Params["disable_notification"] != "true" || !reflect.DeepEqual(params, markup) {
			t.Errorf("params %q", got.Params)
		}
		if m.ReplyMarkup == nil || m.ReplyMarkup.InlineKeyboard[0][0].Text != "Yes" {
			t.Errorf("returned message lacks its keyboard: %+v", m)
		}
	})
	t.Run("Query", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, methodURL(s, "sendMessage")+"?chat_id=111&text=query", nil)
		if m := result[message](t, do(t, req)); m.Text != "query" {
			t.Errorf("text %q", m.Text)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("chat_id", "111")
		_ = w.WriteField("caption", "your form")
		part, _ := w.CreateFormFile("document", "antrag.pdf")
		_, _ = part.Write([]byte("%PDF-1.4 fake"))
		_ = w.Close()
		req, _ := http.NewRequest(http.MethodPost, methodURL(s, "sendDocument"), &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		m := result[message](t, do(t, req))
		if m.Document == nil || m.Document.FileName != "antrag.pdf" || m.Document.FileSize != 13 || m.Document.MimeType != "application/pdf" || m.Caption != "your form" {
			t.Errorf("message %+v document %+v", m, m.Document)
		}
		got, _ := s.LastMessage(anna.ID)
		if got.Method != "sendDocument" || got.FileName != "antrag.pdf" || string(got.FileBytes) != "%PDF-1.4 fake" || got.Text != "your form" {
			t.Errorf("recorded %+v", got)
		}
	})
}

func TestServer_SendMessage(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	s.SendText(anna, "hi") // message 1 in Anna's chat

	t.Run("MessageObject", func(t *testing.T) {
		m := sendText(t, s, anna.ID, "hello", url.Values{"reply_to_message_id": {"1"}})
		if m.MessageID != 2 || m.Chat.ID != anna.ID || m.Chat.Type != "private" || m.From == nil || !m.From.IsBot || m.Date == 0 {
			t.Errorf("message %+v", m)
		}
		if m.ReplyToMessage == nil || m.ReplyToMessage.Text != "hi" {
			t.Errorf("reply_to_message %+v", m.ReplyToMessage)
		}
		if other := sendText(t, s, omar.ID, "x", nil); other.MessageID != 1 {
			t.Errorf("Omar's first message id %d, want 1: ids count per chat", other.MessageID)
		}
	})
	t.Run("HTML", func(t *testing.T) {
		m := sendText(t, s, anna.ID, `<b>Termin</b> am <i>Mo &amp; Di</i> – <a href="https://x.org/?a=1&amp;b=2">Karte</a>`, url.Values{"parse_mode": {"HTML"}})
		if m.Text != "Termin am Mo & Di – Karte" {
			t.Errorf("text %q", m.Text)
		}
		want := "bold 0 6, italic 10 7, text_link 20 5 https://x.org/?a=1&b=2"
		var got []string
		for _, e := range m.Entities {
			got = append(got, strings.TrimSpace(fmt.Sprintf("%s %d %d %s", e.Type, e.Offset, e.Length, e.URL)))
		}
		if strings.Join(got, ", ") != want {
			t.Errorf("entities %q, want %q", strings.Join(got, ", "), want)
		}
		if last, _ := s.LastMessage(anna.ID); last.Text != m.Text || !strings.Contains(last.Params["text"], "<b>") {
			t.Errorf("recorded text %q, params %q", last.Text, last.Params["text"])
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			params url.Values
			want   string
		}{
			{"UnknownTag", url.Values{"text": {"a<br>b"}, "parse_mode": {"HTML"}}, `Unsupported start tag "br"`},
			{"UnclosedTag", url.Values{"text": {"<b>a"}, "parse_mode": {"HTML"}}, "Can't find end tag"},
			{"MarkdownV2Reserved", url.Values{"text": {"Danke!"}, "parse_mode": {"MarkdownV2"}}, "Character '!' is reserved"},
			{"EmptyText", url.Values{"text": {" "}}, "message text is empty"},
			{"TooLong", url.Values{"text": {strings.Repeat("ü", 4097)}}, "message is too long"},
			{"LongCallbackData", url.Values{"text": {"x"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 65) + `"}]]}`}}, "BUTTON_DATA_INVALID"},
			{"BareButton", url.Values{"text": {"x"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a"}]]}`}}, "text buttons are unallowed"},
			{"NoChat", url.Values{"text": {"x"}, "chat_id": {""}}, "chat_id is empty"},
			{"MissingReply", url.Values{"text": {"x"}, "reply_to_message_id": {"999"}}, "message to be replied not found"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				params := url.Values{"chat_id": {"111"}}
				for k, v := range tc.params {
					params[k] = v
				}
				wantError(t, call(t, s, "sendMessage", params), 400, tc.want)
			})
		}
	})
	t.Run("MarkdownV2Escaped", func(t *testing.T) {
		sendText(t, s, anna.ID, "*Danke\\!* [Karte](https://x.org/a.b) `a.b`", url.Values{"parse_mode": {"MarkdownV2"}})
	})
}

func TestServer_EditMessageText(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	m := sendText(t, s, anna.ID, "Choose", url.Values{"reply_markup": {keyboard}})
	edit := func(params url.Values) apiResponse {
		params.Set("chat_id", "111")
		params.Set("message_id", fmt.Sprint(m.MessageID))
		return call(t, s, "editMessageText", params)
	}

	t.Run("KeepsKeyboardOnlyIfRepeated", func(t *testing.T) {
		got := result[message](t, edit(url.Values{"text": {"Chosen"}, "reply_markup": {keyboard}}))
		if got.Text != "Chosen" || got.ReplyMarkup == nil || got.EditDate == 0 {
			t.Errorf("edited %+v", got)
		}
		got = result[message](t, edit(url.Values{"text": {"Done"}}))
		if got.ReplyMarkup != nil {
			t.Error("the keyboard stayed although reply_markup was not repeated")
		}
		last, _ := s.LastMessage(anna.ID)
		if last.Method != "sendMessage" || last.MessageID != m.MessageID || last.Text != "Done" || last.Buttons != nil {
			t.Errorf("LastMessage %+v", last)
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		wantError(t, edit(url.Values{"text": {"Done"}}), 400, "message is not modified")
	})
	t.Run("NotFound", func(t *testing.T) {
		wantError(t, call(t, s, "editMessageText", url.Values{"chat_id": {"111"}, "message_id": {"77"}, "text": {"x"}}), 400, "message to edit not found")
	})
	t.Run("ReplyMarkup", func(t *testing.T) {
		got := result[message](t, call(t, s, "editMessageReplyMarkup", url.Values{"chat_id": {"111"}, "message_id": {fmt.Sprint(m.MessageID)}, "reply_markup": {keyboard}}))
		if got.Text != "Done" || got.ReplyMarkup == nil {
			t.Errorf("edited %+v", got)
		}
		if last, _ := s.LastMessage(anna.ID); len(last.Buttons) != 1 || last.Text != "Done" {
			t.Errorf("LastMessage %+v", last)
		}
	})
	t.Run("Recorded", func(t *testing.T) {
		var methods []string
		for _, rec := range s.SentTo(anna.ID) {
			methods = append(methods, rec.Method)
		}
		if got := strings.Join(methods, " "); got != "sendMessage editMessageText editMessageText editMessageReplyMarkup" {
			t.Errorf("recorded %s", got)
		}
	})
}

func TestServer_Press(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	m := sendText(t, s, anna.ID, "Choose", url.Values{"reply_markup": {keyboard}})
	call(t, s, "editMessageText", url.Values{"chat_id": {"111"}, "message_id": {fmt.Sprint(m.MessageID)}, "text": {"Choose again"}, "reply_markup": {keyboard}})
	s.Press(anna, m.MessageID, "confirm:1")

	ups := getUpdates(t, s, nil)
	q := ups[0].CallbackQuery
	if q == nil || q.ID == "" || q.ChatInstance == "" || q.Data != "confirm:1" || q.From.ID != anna.ID {
		t.Fatalf("callback_query %+v", q)
	}
	if q.Message == nil || q.Message.Text != "Choose again" || q.Message.ReplyMarkup == nil || q.Message.From == nil || !q.Message.From.IsBot {
		t.Errorf("the query does not carry the edited message: %+v", q.Message)
	}

	t.Run("Answer", func(t *testing.T) {
		result[bool](t, call(t, s, "answerCallbackQuery", url.Values{"callback_query_id": {q.ID}, "text": {"Saved"}}))
		sent := s.Sent()
		if last := sent[len(sent)-1]; last.Method != "answerCallbackQuery" || last.ChatID != anna.ID || last.Text != "Saved" {
			t.Errorf("recorded %+v", last)
		}
		wantError(t, call(t, s, "answerCallbackQuery", url.Values{"callback_query_id": {q.ID}}), 400, "query is too old")
	})
}

func TestServer_Inject(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	group := telegramtest.Chat{ID: -100123, Type: "supergroup", Title: "Helpers"}

	t.Run("Group", func(t *testing.T) {
		s.AddToGroup(group, anna)
		s.SendTextIn(group, anna, "/help@lotse_test_bot")
		s.ReplyTo(group, omar, 1, "me too")
		ups := getUpdates(t, s, nil)
		if mcm := ups[0].MyChatMember; mcm == nil || mcm.Chat.Title != "Helpers" || mcm.NewChatMember.Status != "member" || !mcm.NewChatMember.User.IsBot {
			t.Errorf("my_chat_member %+v", mcm)
		}
		cmd := ups[1].Message
		if cmd.Chat.Type != "supergroup" || cmd.From.ID != anna.ID || len(cmd.Entities) != 1 || cmd.Entities[0].Length != len("/help@lotse_test_bot") {
			t.Errorf("command %+v", cmd)
		}
		if r := ups[2].Message.ReplyToMessage; r == nil || r.Text != "/help@lotse_test_bot" || ups[2].Message.MessageID != 2 {
			t.Errorf("reply %+v", ups[2].Message)
		}
		getUpdates(t, s, url.Values{"offset": {fmt.Sprint(ups[2].UpdateID + 1)}})
	})
	t.Run("MediaAndEdits", func(t *testing.T) {
		for _, kind := range []string{"photo", "sticker", "voice", "audio", "video", "video_note", "document", "location", "contact", "animation"} {
			s.SendMedia(omar, kind, "caption")
		}
		s.SendText(omar, "typo")
		s.EditText(omar, 11, "edited")
		resp := call(t, s, "getUpdates", nil)
		ups := result[[]update](t, resp)
		var raw []map[string]json.RawMessage
		_ = json.Unmarshal(resp.Result, &raw)
		for i, kind := range []string{"photo", "sticker", "voice", "audio", "video", "video_note", "document", "location", "contact", "animation"} {
			var msg map[string]json.RawMessage
			_ = json.Unmarshal(raw[i]["message"], &msg)
			if msg[kind] == nil {
				t.Errorf("%s: message lacks its field: %s", kind, raw[i]["message"])
			}
		}
		if p := ups[0].Message.Photo; len(p) != 2 || p[0].FileID == p[1].FileID || ups[0].Message.Caption != "caption" {
			t.Errorf("photo %+v", ups[0].Message)
		}
		if e := ups[11].EditedMessage; e == nil || e.Text != "edited" || e.MessageID != 11 || e.EditDate == 0 || e.Date == 0 {
			t.Errorf("edited_message %+v", e)
		}
		getUpdates(t, s, url.Values{"offset": {fmt.Sprint(ups[11].UpdateID + 1)}})
	})
	t.Run("UnknownMediaKindPanics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		s.SendMedia(omar, "hologram", "")
	})
	t.Run("Raw", func(t *testing.T) {
		id := s.Inject(map[string]any{"inline_query": map[string]any{"id": "1", "from": map[string]any{"id": 5}, "query": "x"}})
		ups := getUpdates(t, s, nil)
		if len(ups) != 1 || ups[0].UpdateID != id {
			t.Errorf("got %+v, want update %d", ups, id)
		}
	})
}

func TestServer_Methods(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	s.SendMedia(anna, "photo", "my passport")

	t.Run("CopyAndForward", func(t *testing.T) {
		copied := result[struct {
			MessageID int `json:"message_id"`
		}](t, call(t, s, "copyMessage", url.Values{"chat_id": {"-500"}, "from_chat_id": {"111"}, "message_id": {"1"}}))
		fwd := result[message](t, call(t, s, "forwardMessage", url.Values{"chat_id": {"-500"}, "from_chat_id": {"111"}, "message_id": {"1"}}))
		if copied.MessageID != 1 || fwd.MessageID != 2 || len(fwd.Photo) != 2 || fwd.ForwardFrom == nil || fwd.ForwardFrom.ID != anna.ID || fwd.Chat.Type != "group" {
			t.Errorf("copied %+v, forwarded %+v", copied, fwd)
		}
		if sent := s.SentTo(-500); len(sent) != 2 || sent[0].Text != "my passport" {
			t.Errorf("recorded %+v", sent)
		}
		wantError(t, call(t, s, "copyMessage", url.Values{"chat_id": {"-500"}, "from_chat_id": {"111"}, "message_id": {"9"}}), 400, "message to copy not found")
	})
	t.Run("SendKinds", func(t *testing.T) {
		if m := result[message](t, call(t, s, "sendPhoto", url.Values{"chat_id": {"111"}, "photo": {"photo-1"}})); len(m.Photo) != 2 {
			t.Errorf("photo %+v", m)
		}
		if m := result[message](t, call(t, s, "sendVoice", url.Values{"chat_id": {"111"}, "voice": {"https://x.org/a.ogg"}})); m.Voice == nil || m.Voice.FileID == "https://x.org/a.ogg" {
			t.Errorf("voice %+v", m.Voice)
		}
		if m := result[message](t, call(t, s, "sendLocation", url.Values{"chat_id": {"111"}, "latitude": {"52.5"}, "longitude": {"13.4"}})); m.Location == nil || m.Location.Latitude != 52.5 {
			t.Errorf("location %+v", m)
		}
		if m := result[message](t, call(t, s, "sendVenue", url.Values{"chat_id": {"111"}, "latitude": {"52.5"}, "longitude": {"13.4"}, "title": {"Amt"}, "address": {"Str. 1"}})); m.Venue == nil || m.Venue.Title != "Amt" || m.Location == nil {
			t.Errorf("venue %+v", m)
		}
		if m := result[message](t, call(t, s, "sendContact", url.Values{"chat_id": {"111"}, "phone_number": {"+49301234"}, "first_name": {"Beratung"}})); m.Contact == nil || m.Contact.PhoneNumber != "+49301234" {
			t.Errorf("contact %+v", m)
		}
		wantError(t, call(t, s, "sendDocument", url.Values{"chat_id": {"111"}}), 400, "there is no document")
		result[bool](t, call(t, s, "sendChatAction", url.Values{"chat_id": {"111"}, "action": {"typing"}}))
	})
	t.Run("Delete", func(t *testing.T) {
		m := sendText(t, s, anna.ID, "bye", nil)
		result[bool](t, call(t, s, "deleteMessage", url.Values{"chat_id": {"111"}, "message_id": {fmt.Sprint(m.MessageID)}}))
		if last, ok := s.LastMessage(anna.ID); !ok || last.MessageID == m.MessageID {
			t.Errorf("LastMessage %+v still shows the deleted message", last)
		}
		wantError(t, call(t, s, "deleteMessage", url.Values{"chat_id": {"111"}, "message_id": {fmt.Sprint(m.MessageID)}}), 400, "message to delete not found")
	})
	t.Run("Members", func(t *testing.T) {
		type member struct {
			User   user   `json:"user"`
			Status string `json:"status"`
		}
		if m := result[member](t, call(t, s, "getChatMember", url.Values{"chat_id": {"-500"}, "user_id": {"111"}})); m.Status != "member" || m.User.FirstName != "Anna" {
			t.Errorf("member %+v", m)
		}
		s.SetMemberStatus(-500, 111, "kicked")
		if m := result[member](t, call(t, s, "getChatMember", url.Values{"chat_id": {"-500"}, "user_id": {"111"}})); m.Status != "kicked" {
			t.Errorf("member %+v", m)
		}
		if c := result[chat](t, call(t, s, "getChat", url.Values{"chat_id": {"111"}})); c.Type != "private" {
			t.Errorf("chat %+v", c)
		}
		wantError(t, call(t, s, "getChat", url.Values{"chat_id": {"42"}}), 400, "chat not found")
		result[bool](t, call(t, s, "leaveChat", url.Values{"chat_id": {"-500"}}))
		if sent := s.SentTo(-500); sent[len(sent)-1].Method != "leaveChat" {
			t.Errorf("leaveChat not recorded: %+v", sent)
		}
	})
	t.Run("Commands", func(t *testing.T) {
		cmds := `[{"command":"start","description":"Start"}]`
		result[bool](t, call(t, s, "setMyCommands", url.Values{"commands": {cmds}, "language_code": {"uk"}}))
		type command struct{ Command, Description string }
		if got := result[[]command](t, call(t, s, "getMyCommands", url.Values{"language_code": {"uk"}})); len(got) != 1 || got[0].Command != "start" {
			t.Errorf("commands %+v", got)
		}
		if got := result[[]command](t, call(t, s, "getMyCommands", nil)); len(got) != 0 {
			t.Errorf("default commands %+v", got)
		}
		if reqs := s.Requests("setMyCommands"); len(reqs) != 1 || reqs[0].Params["commands"] != cmds {
			t.Errorf("Requests %+v", reqs)
		}
		wantError(t, call(t, s, "setMyCommands", url.Values{"commands": {`[{"command":"Start","description":"x"}]`}}), 400, "BOT_COMMAND_INVALID")
		result[bool](t, call(t, s, "deleteMyCommands", url.Values{"language_code": {"uk"}}))
	})
}

func TestServer_FailNext(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	s.FailNext("sendMessage", 2, 429, 3)
	for range 2 {
		r := call(t, s, "sendMessage", url.Values{"chat_id": {"111"}, "text": {"x"}})
		wantError(t, r, 429, "Too Many Requests: retry after 3")
		if r.Parameters == nil || r.Parameters.RetryAfter != 3 {
			t.Errorf("parameters %+v", r.Parameters)
		}
	}
	sendText(t, s, anna.ID, "x", nil)
	if s.Calls("sendMessage") != 3 || len(s.Sent()) != 1 {
		t.Errorf("calls %d, sent %d; want 3 and 1", s.Calls("sendMessage"), len(s.Sent()))
	}

	t.Run("Forbidden", func(t *testing.T) {
		s.FailNext("sendmessage", 1, 403, 0)
		r := call(t, s, "sendMessage", url.Values{"chat_id": {"111"}, "text": {"x"}})
		wantError(t, r, 403, "bot was blocked by the user")
		if r.Parameters != nil {
			t.Errorf("parameters %+v on a 403", r.Parameters)
		}
	})
}

// hook is a webhook receiver that records what it gets.
type hook struct {
	mu      sync.Mutex
	secrets []string
	updates []update
	handle  func(u update) int // status to answer
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var u update
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil || r.Header.Get("Content-Type") != "application/json" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	status := http.StatusOK
	if h.handle != nil {
		status = h.handle(u)
	}
	h.mu.Lock()
	h.secrets = append(h.secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	h.updates = append(h.updates, u)
	h.mu.Unlock()
	w.WriteHeader(status)
}

func (h *hook) received() []update {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]update(nil), h.updates...)
}

func startHook(t *testing.T, s *telegramtest.Server, h http.Handler, params url.Values) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(s.Close) // runs first: no pushes to a closed receiver
	if params == nil {
		params = url.Values{}
	}
	params.Set("url", srv.URL+"/hook")
	result[bool](t, call(t, s, "setWebhook", params))
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestServer_Webhook(t *testing.T) {
	t.Run("PushesWithSecret", func(t *testing.T) {
		s := telegramtest.New(token)
		h := &hook{}
		startHook(t, s, h, url.Values{"secret_token": {"s3cret_-X"}})
		if u, secret := s.Webhook(); !strings.HasSuffix(u, "/hook") || secret != "s3cret_-X" {
			t.Errorf("Webhook() = %q, %q", u, secret)
		}
		id := s.SendText(anna, "hi")
		eventually(t, "delivery", func() bool { return s.Pending() == 0 })
		got := h.received()
		if len(got) != 1 || got[0].UpdateID != id || got[0].Message.Text != "hi" || h.secrets[0] != "s3cret_-X" {
			t.Errorf("received %+v with secrets %q", got, h.secrets)
		}
		if d := s.Deliveries(); len(d) != 1 || d[0].Status != 200 || d[0].UpdateID != id {
			t.Errorf("deliveries %+v", d)
		}
	})
	t.Run("InvalidSecret", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		for _, secret := range []string{"no spaces", "ä", strings.Repeat("a", 257)} {
			wantError(t, call(t, s, "setWebhook", url.Values{"url": {"https://x.org"}, "secret_token": {secret}}), 400, "secret token")
		}
		wantError(t, call(t, s, "setWebhook", url.Values{"url": {"ftp://x.org"}}), 400, "bad webhook")
	})
	t.Run("RetriesAfterError", func(t *testing.T) {
		s := telegramtest.New(token, telegramtest.WithRetryDelay(time.Millisecond))
		var mu sync.Mutex
		failures := 2
		startHook(t, s, &hook{handle: func(update) int {
			mu.Lock()
			defer mu.Unlock()
			if failures > 0 {
				failures--
				return http.StatusInternalServerError
			}
			return http.StatusOK
		}}, nil)
		id := s.SendText(anna, "hi")
		eventually(t, "delivery", func() bool { return s.Pending() == 0 })
		d := s.Deliveries()
		if len(d) != 3 || d[0].Status != 500 || d[1].Status != 500 || d[2].Status != 200 || d[2].UpdateID != id {
			t.Errorf("deliveries %+v", d)
		}
		info := result[struct {
			LastErrorMessage string `json:"last_error_message"`
			Pending          int    `json:"pending_update_count"`
		}](t, call(t, s, "getWebhookInfo", nil))
		if info.LastErrorMessage != "Wrong response from the webhook: 500 Internal Server Error" {
			t.Errorf("webhook info %+v", info)
		}
	})
	t.Run("OrdersPerChat", func(t *testing.T) {
		s := telegramtest.New(token)
		omarSeen := make(chan struct{})
		var mu sync.Mutex
		active := map[int64]int{}
		h := &hook{}
		h.handle = func(u update) int {
			chat := u.Message.Chat.ID
			mu.Lock()
			active[chat]++
			if active[chat] > 1 {
				t.Errorf("two updates of chat %d at once", chat)
			}
			mu.Unlock()
			switch u.Message.Text {
			case "anna 1": // Anna's chat waits; Omar's must not
				select {
				case <-omarSeen:
				case <-time.After(5 * time.Second):
					t.Error("Omar's update waited for Anna's")
				}
			case "omar 1":
				close(omarSeen)
			}
			mu.Lock()
			active[chat]--
			mu.Unlock()
			return http.StatusOK
		}
		startHook(t, s, h, nil)
		s.SendText(anna, "anna 1")
		s.SendText(anna, "anna 2")
		s.SendText(omar, "omar 1")
		eventually(t, "deliveries", func() bool { return s.Pending() == 0 })
		var annas []string
		for _, u := range h.received() {
			if u.Message.Chat.ID == anna.ID {
				annas = append(annas, u.Message.Text)
			}
		}
		if strings.Join(annas, ",") != "anna 1,anna 2" {
			t.Errorf("Anna's updates arrived as %q", annas)
		}
	})
	t.Run("MethodInResponse", func(t *testing.T) {
		s := telegramtest.New(token)
		startHook(t, s, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"method":"sendMessage","chat_id":111,"text":"answered inline"}`)
		}), nil)
		s.SendText(anna, "hi")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sent, err := s.WaitSent(ctx, 1)
		if err != nil || sent[0].Text != "answered inline" || sent[0].ChatID != anna.ID {
			t.Errorf("sent %+v, %v", sent, err)
		}
	})
	t.Run("DeleteKeepsPending", func(t *testing.T) {
		s := telegramtest.New(token, telegramtest.WithRetryDelay(time.Millisecond))
		startHook(t, s, &hook{handle: func(update) int { return http.StatusBadGateway }}, nil)
		id := s.SendText(anna, "stuck")
		eventually(t, "failed attempts", func() bool { return len(s.Deliveries()) >= 2 })
		result[bool](t, call(t, s, "deleteWebhook", nil))
		if ups := getUpdates(t, s, nil); len(ups) != 1 || ups[0].UpdateID != id {
			t.Errorf("getUpdates after deleteWebhook: %+v", ups)
		}
		result[bool](t, call(t, s, "deleteWebhook", url.Values{"drop_pending_updates": {"true"}}))
		if s.Pending() != 0 {
			t.Errorf("pending %d after drop_pending_updates", s.Pending())
		}
	})
	t.Run("SetWebhookEndsLongPoll", func(t *testing.T) {
		s := telegramtest.MustStart(t, token)
		poll := make(chan apiResponse)
		go func() { poll <- call(t, s, "getUpdates", url.Values{"timeout": {"20"}}) }()
		waitCalls(t, s, "getUpdates", 1)
		result[bool](t, call(t, s, "setWebhook", url.Values{"url": {"https://x.org/hook"}}))
		wantError(t, <-poll, 409, "terminated by setWebhook request")
	})
}

func TestServer_WaitFor(t *testing.T) {
	s := telegramtest.MustStart(t, token)
	go func() {
		time.Sleep(20 * time.Millisecond)
		for i := range 3 {
			call(t, s, "sendMessage", url.Values{"chat_id": {"111"}, "text": {fmt.Sprint(i)}})
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sent, err := s.WaitFor(ctx, func(sent []telegramtest.Sent) bool { return len(sent) > 0 && sent[len(sent)-1].Text == "2" })
	if err != nil || len(sent) != 3 {
		t.Fatalf("WaitFor = %d sent, %v", len(sent), err)
	}

	t.Run("Timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		sent, err := s.WaitSent(ctx, 4)
		if err == nil || len(sent) != 3 {
			t.Errorf("WaitSent = %d sent, %v; want the 3 so far and an error", len(sent), err)
		}
	})
	t.Run("Reset", func(t *testing.T) {
		s.Reset()
		if len(s.Sent()) != 0 || s.Calls("sendMessage") != 0 {
			t.Error("Reset kept recordings")
		}
		if m := sendText(t, s, anna.ID, "after reset", nil); m.MessageID != 4 {
			t.Errorf("message id %d, want 4: Reset keeps chats", m.MessageID)
		}
	})
}

func TestServer_Close(t *testing.T) {
	before := runtime.NumGoroutine()
	client := &http.Client{Transport: &http.Transport{}}
	s := telegramtest.New(token, telegramtest.WithRetryDelay(time.Millisecond))
	// A webhook that never accepts keeps a pusher retrying.
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	result[bool](t, call(t, s, "setWebhook", url.Values{"url": {failing.URL}}))
	s.SendText(anna, "never accepted")
	eventually(t, "a failed push", func() bool { return len(s.Deliveries()) > 0 })
	result[bool](t, call(t, s, "deleteWebhook", nil))
	result[bool](t, call(t, s, "setWebhook", url.Values{"url": {failing.URL}}))
	// getUpdates is refused while a webhook is set, so the long poll goes to
	// a second server.
	p := telegramtest.New(token)
	polled := make(chan error, 1)
	go func() {
		resp, err := client.Get(fmt.Sprintf(p.Endpoint(), token, "getUpdates") + "?timeout=30")
		if err == nil {
			resp.Body.Close()
		}
		polled <- err
	}()
	waitCalls(t, p, "getUpdates", 1)

	start := time.Now()
	s.Close()
	p.Close()
	s.Close() // twice is fine
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	select {
	case <-polled:
	case <-time.After(2 * time.Second):
		t.Fatal("the long poll did not return after Close")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := p.WaitSent(ctx, 1); err != telegramtest.ErrClosed {
		t.Errorf("WaitSent after Close = %v, want ErrClosed", err)
	}
	failing.Close()
	client.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	eventually(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func TestServer_LatencyAndInFlight(t *testing.T) {
	s := telegramtest.MustStart(t, token, telegramtest.WithLatency(50*time.Millisecond))
	u := telegramtest.User{ID: 42, FirstName: "Amal"}
	s.SendText(u, "one")
	s.SendText(u, "two")
	if n := s.InFlight(); n != 0 {
		t.Fatalf("in flight before any poll = %d", n)
	}
	start := time.Now()
	ups := getUpdates(t, s, nil)
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("getUpdates answered in %v, want at least 2×50ms", d)
	}
	if len(ups) != 2 || s.InFlight() != 2 {
		t.Fatalf("got %d updates, %d in flight; want 2, 2", len(ups), s.InFlight())
	}
	s.SendText(u, "three") // not handed out yet: not in flight
	getUpdates(t, s, url.Values{"offset": {fmt.Sprint(ups[1].UpdateID)}, "limit": {"1"}})
	if n := s.InFlight(); n != 1 {
		t.Fatalf("in flight after confirming the first = %d, want 1 (the second)", n)
	}
}
