/* test-link.c: parsing room and share links and server addresses, and the URLs built from them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-link"

#include "config.h"

#include "pairpad-link.h"

typedef struct
{
  const char *text;
  const char *server;   /* NULL: must fail */
  const char *room;
  const char *token;    /* of a share link */
  int         code;
} Case;

#define TOKEN "q1Vb0-3_mZ8xWk2cJpA7nRt5YhLdE9sUoGfIvBw4aCe"

static const Case cases[] = {
  { "http://localhost:8000/r/abc", "http://localhost:8000", "abc", NULL, 0 },
  { "  http://localhost:8000/r/abc/  \n", "http://localhost:8000", "abc", NULL, 0 },
  { "http://localhost:8000/r/abc?x=1#top", "http://localhost:8000", "abc", NULL, 0 },
  { "HTTP://Example.org/r/A-b_9", "http://example.org", "A-b_9", NULL, 0 },
  { "https://pad.example.org:443/r/xyz", "https://pad.example.org", "xyz", NULL, 0 },
  { "http://pad.example.org:80/r/xyz", "http://pad.example.org", "xyz", NULL, 0 },
  { "localhost:8000/r/abc", "http://localhost:8000", "abc", NULL, 0 },
  { "http://[::1]:8000/r/abc", "http://[::1]:8000", "abc", NULL, 0 },
  { "http://localhost:8000/", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
  { "http://localhost:8000/r/", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
  { "http://localhost:8000/x/abc", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
  { "http://localhost:8000/r/abc/def", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
  { "http://localhost:8000/r/a%20b", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
  { "ftp://localhost/r/abc", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_SERVER },
  { "http://user:pw@localhost/r/abc", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_SERVER },
  { "", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_SERVER },
  /* Share links: the token rides in the fragment. */
  { "http://localhost:8000/r/abc#token=" TOKEN, "http://localhost:8000", "abc", TOKEN, 0 },
  { " https://pad.example.org/r/abc/#token=" TOKEN " ", "https://pad.example.org", "abc", TOKEN,
    0 },
  { "http://localhost:8000/r/abc?x=1#from=mail&token=" TOKEN, "http://localhost:8000", "abc",
    TOKEN, 0 },
  { "localhost:8000/r/abc#token=abc", "http://localhost:8000", "abc", "abc", 0 },
  { "http://localhost:8000/r/abc#token", "http://localhost:8000", "abc", NULL, 0 },
  { "http://localhost:8000/r/abc#token=", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_TOKEN },
  { "http://localhost:8000/r/abc#token=" TOKEN "…", NULL, NULL, NULL,
    PAIRPAD_LINK_ERROR_BAD_TOKEN },
  { "http://localhost:8000/r/abc#token=a+b", NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_TOKEN },
  { "http://localhost:8000/x/abc#token=" TOKEN, NULL, NULL, NULL, PAIRPAD_LINK_ERROR_BAD_ROOM },
};

static void
test_parse (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;
  g_autofree char *token = NULL;
  gboolean ok = pairpad_link_parse (c->text, NULL, &server, &room, &token, &error);

  if (c->server != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (server, ==, c->server);
      g_assert_cmpstr (room, ==, c->room);
      g_assert_cmpstr (token, ==, c->token);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, PAIRPAD_LINK_ERROR, c->code);
      g_assert_null (server);
      g_assert_null (room);
      g_assert_null (token);
    }

  /* Callers that do not care for the token need not ask for it. */
  {
    g_autofree char *server2 = NULL;
    g_autofree char *room2 = NULL;

    g_assert_cmpint (pairpad_link_parse (c->text, NULL, &server2, &room2, NULL, NULL), ==, ok);
    g_assert_cmpstr (room2, ==, c->room);
  }
}

static void
test_bare_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;
  g_autofree char *token = NULL;

  g_assert_true (pairpad_link_parse (" 2S7y951hTDRabmHmf5vEbQ ", "http://localhost:8000/",
                                     &server, &room, &token, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (server, ==, "http://localhost:8000");
  g_assert_cmpstr (room, ==, "2S7y951hTDRabmHmf5vEbQ");
  g_assert_null (token);
}

/* A share link built here reads back as it was made, as the browser
 * client's /r/{id}#token=… does. */
static void
test_share_round_trip (void)
{
  g_autofree char *link = pairpad_link_build_share ("https://pad.example.org", "abc", TOKEN);
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;
  g_autofree char *token = NULL;

  g_assert_cmpstr (link, ==, "https://pad.example.org/r/abc#token=" TOKEN);
  g_assert_true (pairpad_link_parse (link, NULL, &server, &room, &token, NULL));
  g_assert_cmpstr (server, ==, "https://pad.example.org");
  g_assert_cmpstr (room, ==, "abc");
  g_assert_cmpstr (token, ==, TOKEN);

  g_assert_true (pairpad_link_token_is_valid (TOKEN));
  g_assert_false (pairpad_link_token_is_valid (""));
  g_assert_false (pairpad_link_token_is_valid (NULL));
  g_assert_false (pairpad_link_token_is_valid ("a b"));
  g_assert_false (pairpad_link_token_is_valid ("a=="));
}

static void
test_build (void)
{
  g_autofree char *link = pairpad_link_build ("http://localhost:8000", "abc");
  g_autofree char *ws = pairpad_link_build_ws_url ("http://localhost:8000", "abc");
  g_autofree char *wss = pairpad_link_build_ws_url ("https://pad.example.org", "abc");
  g_autofree char *api = pairpad_link_build_api_url ("http://localhost:8000", "/api/v1/rooms");

  g_assert_cmpstr (link, ==, "http://localhost:8000/r/abc");
  g_assert_cmpstr (ws, ==, "ws://localhost:8000/api/v1/rooms/abc/ws");
  g_assert_cmpstr (wss, ==, "wss://pad.example.org/api/v1/rooms/abc/ws");
  g_assert_cmpstr (api, ==, "http://localhost:8000/api/v1/rooms");
}

static void
test_room_ids (void)
{
  g_autofree char *long_id = g_strnfill (65, 'a');

  g_assert_true (pairpad_link_room_is_valid ("a"));
  g_assert_true (pairpad_link_room_is_valid ("A-z_0"));
  g_assert_false (pairpad_link_room_is_valid (""));
  g_assert_false (pairpad_link_room_is_valid (NULL));
  g_assert_false (pairpad_link_room_is_valid ("a/b"));
  g_assert_false (pairpad_link_room_is_valid ("é"));
  g_assert_false (pairpad_link_room_is_valid (long_id));
  long_id[64] = '\0';
  g_assert_true (pairpad_link_room_is_valid (long_id));
}

static void
test_normalize_server (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = pairpad_link_normalize_server ("localhost:8000", &error);
  g_autofree char *b = pairpad_link_normalize_server ("https://Pad.Example.org/some/path/", NULL);
  g_autofree char *c = pairpad_link_normalize_server ("   ", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "http://localhost:8000");
  g_assert_cmpstr (b, ==, "https://pad.example.org");
  g_assert_null (c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pairpad/link/parse/%u", i);

      g_test_add_data_func (path, &cases[i], test_parse);
    }
  g_test_add_func ("/pairpad/link/bare-id", test_bare_id);
  g_test_add_func ("/pairpad/link/share-round-trip", test_share_round_trip);
  g_test_add_func ("/pairpad/link/build", test_build);
  g_test_add_func ("/pairpad/link/room-ids", test_room_ids);
  g_test_add_func ("/pairpad/link/normalize-server", test_normalize_server);

  return g_test_run ();
}
