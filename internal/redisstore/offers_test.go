package redisstore_test

import (
	"context"
	"testing"
	"time"

	"lotse/internal/offers"
	"lotse/internal/redisstore"
	"lotse/internal/redisstore/redistest"
)

func TestOffers_ImportAndLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := redistest.Must(t).Store(redisstore.Options{}).Offers()
	if v, err := st.OffersVersion(ctx); err != nil || v != "" {
		t.Fatalf("before import: %q, %v", v, err)
	}
	data := []byte("id,title,category\na,Kurs,language\n")
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if err := st.Import(ctx, offers.Imported{Name: "offers.csv", Data: data, Version: offers.Version(data), At: at}); err != nil {
		t.Fatal(err)
	}
	if v, err := st.OffersVersion(ctx); err != nil || v != offers.Version(data) {
		t.Fatalf("version %q, %v", v, err)
	}
	imp, err := st.LoadOffers(ctx)
	if err != nil || imp.Name != "offers.csv" || string(imp.Data) != string(data) || !imp.At.Equal(at) {
		t.Fatalf("loaded %+v, %v", imp, err)
	}
	if err := st.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.OffersVersion(ctx); v != "" {
		t.Errorf("after remove: %q", v)
	}
}
