/* pairpad-completion-provider.c: the daemon's completions in the room's editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-completion-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pairpad-completion-proposal.h"
#include "pairpad-completion-provider.h"

/* PairpadCompletionProvider asks the daemon (POST /api/v1/rooms/{id}/complete)
 * what may complete the word before the caret, and replaces that word with
 * the chosen item as one user action, which the buffer binding sends like
 * any typing. It owns the request in flight and a mark where the word
 * starts; it does not own the session, nor decide what is offered.
 *
 * A language model's item ("kind": "model", "replace": 0) continues the
 * text at the caret instead: it comes first, marked as the model's, and
 * goes in at the caret, the word typed so far left as it is. Typing on
 * keeps it only while what was typed since the answer is the start of its
 * text, and choosing it then inserts the rest: it is what follows the text
 * the model saw, not a word to match, so filtering it by the word as the
 * others are would drop it at the first keystroke, and keeping it after
 * the person typed something else would insert text that no longer fits.
 *
 * Positions: the caret's offset counts code points, as the protocol does,
 * but it is in our own coordinates, which are the daemon's only while the
 * session has no unacknowledged edits. So a request waits (briefly) until
 * everything typed is acknowledged and then names the session's version:
 * the daemon answers for exactly the text we have. */

/* Typing keeps an edit in flight most of the time: wait this long for its
 * acknowledgement before offering nothing. */
#define WAIT_INTERVAL_MS 25
#define MAX_WAITS        80
#define MAX_ITEMS        20

struct _PairpadCompletionProvider
{
  GObject            parent_instance;

  /* Owned */
  PpClientSession   *session;
  PairpadRestClient *rest;
  GCancellable      *cancellable;   /* the request in flight */
  GtkTextMark       *word_start;    /* (nullable) of the word the last answer completes */
  char              *answered_word; /* (nullable) that word, as it was when asked */
  char              *server;
  char              *room;
  char              *token;         /* (nullable) */
};

typedef struct
{
  GtkTextBuffer *buffer;
  GtkTextMark   *position;      /* (nullable) the caret, as sent */
  GCancellable  *cancellable;   /* the provider's, for this request */
  GCancellable  *outer;         /* (nullable) the completion's */
  gulong         outer_id;
  guint          n_waits;
} Request;

static void provider_iface_init (GtkSourceCompletionProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PairpadCompletionProvider, pairpad_completion_provider,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROVIDER,
                                                      provider_iface_init))

static void
delete_mark (GtkTextMark *mark)
{
  if (!gtk_text_mark_get_deleted (mark))
    gtk_text_buffer_delete_mark (gtk_text_mark_get_buffer (mark), mark);
  g_object_unref (mark);
}

static void
request_free (Request *r)
{
  if (r->outer != NULL)
    g_cancellable_disconnect (r->outer, r->outer_id);
  g_clear_object (&r->outer);
  g_clear_pointer (&r->position, delete_mark);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->buffer);
  g_free (r);
}

static void
cancel_request (GCancellable *outer,
                GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static const char *
kind_icon_name (PairpadCompletionKind kind)
{
  switch (kind)
    {
    case PAIRPAD_COMPLETION_KIND_KEYWORD:
      return "format-text-bold-symbolic";
    case PAIRPAD_COMPLETION_KIND_SNIPPET:
      return "insert-text-symbolic";
    case PAIRPAD_COMPLETION_KIND_MODEL:
      return "starred-symbolic";
    case PAIRPAD_COMPLETION_KIND_WORD:
    default:
      return "text-x-generic-symbolic";
    }
}

static const char *
kind_label (PairpadCompletionKind kind)
{
  switch (kind)
    {
    case PAIRPAD_COMPLETION_KIND_KEYWORD:
      /* Translators: a completion that is a keyword of the room's language */
      return _("Keyword");
    case PAIRPAD_COMPLETION_KIND_SNIPPET:
      /* Translators: a completion that inserts a snippet of code */
      return _("Snippet");
    case PAIRPAD_COMPLETION_KIND_MODEL:
      /* Translators: a completion that a language model (an AI) suggested */
      return _("Model");
    case PAIRPAD_COMPLETION_KIND_WORD:
    default:
      /* Translators: a completion that is a word found in the room's text */
      return _("Word");
    }
}

static GListModel *
empty_model (void)
{
  return G_LIST_MODEL (g_list_store_new (PAIRPAD_TYPE_COMPLETION_PROPOSAL));
}

/* The word the answer completes runs from @start to @end, the caret as asked. */
static void
place_word (PairpadCompletionProvider *self,
            GtkTextBuffer             *buffer,
            const GtkTextIter         *start,
            const GtkTextIter         *end)
{
  if (self->word_start != NULL && gtk_text_mark_get_buffer (self->word_start) != buffer)
    g_clear_pointer (&self->word_start, delete_mark);

  if (self->word_start == NULL)
    self->word_start = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, start, TRUE));
  else
    gtk_text_buffer_move_mark (buffer, self->word_start, start);

  g_free (self->answered_word);
  self->answered_word = gtk_text_buffer_get_text (buffer, start, end, TRUE);
}

/* Returns: (nullable): what was typed after the word the last answer
 * completes, or NULL when the text before the caret no longer starts with
 * that word (the caret left it, or part of it was deleted). */
static char *
dup_typed_since_answer (PairpadCompletionProvider *self,
                        GtkTextBuffer             *buffer)
{
  g_autofree char *text = NULL;
  GtkTextIter start, caret;

  if (self->word_start == NULL || self->answered_word == NULL ||
      gtk_text_mark_get_buffer (self->word_start) != buffer)
    return NULL;

  gtk_text_buffer_get_iter_at_mark (buffer, &start, self->word_start);
  gtk_text_buffer_get_iter_at_mark (buffer, &caret, gtk_text_buffer_get_insert (buffer));
  if (gtk_text_iter_compare (&start, &caret) > 0)
    return NULL;

  text = gtk_text_buffer_get_text (buffer, &start, &caret, TRUE);
  if (!g_str_has_prefix (text, self->answered_word))
    return NULL;

  return g_strdup (text + strlen (self->answered_word));
}

/* Returns: (nullable): the part of a continuation's @insert still to go
 * in after @typed (nullable), or NULL when it no longer applies. */
static const char *
continuation_rest (const char *insert,
                   const char *typed)
{
  gsize n_typed;

  if (typed == NULL || !g_str_has_prefix (insert, typed))
    return NULL;

  n_typed = strlen (typed);
  return insert[n_typed] != '\0' ? insert + n_typed : NULL;
}

/* The first line with anything on it, as the daemon labels a model's text. */
static char *
dup_first_line (const char *text)
{
  const char *start = text + strspn (text, "\r\n");

  return g_strndup (start, strcspn (start, "\r\n"));
}

static GListModel *
parse_answer (PairpadCompletionProvider *self,
              Request                   *r,
              JsonNode                  *node)
{
  g_autoptr(GListStore) store = g_list_store_new (PAIRPAD_TYPE_COMPLETION_PROPOSAL);
  JsonNode *items = pairpad_rest_get_member (node, "items", JSON_TYPE_ARRAY);
  JsonNode *prefix = pairpad_rest_get_member (node, "prefix_length", G_TYPE_INT64);
  gint64 prefix_length = prefix != NULL ? json_node_get_int (prefix) : -1;
  GtkTextIter start, end;
  JsonArray *array;
  guint n_models = 0;

  if (items == NULL || prefix_length < 0 || gtk_text_mark_get_deleted (r->position))
    return empty_model ();

  /* The word ends where the caret was; remote edits since moved the mark. */
  gtk_text_buffer_get_iter_at_mark (r->buffer, &end, r->position);
  start = end;
  gtk_text_iter_backward_chars (&start, (int) MIN (prefix_length, G_MAXINT));
  place_word (self, r->buffer, &start, &end);

  array = json_node_get_array (items);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *label = pairpad_rest_get_string (item, "label");
      const char *insert = pairpad_rest_get_string (item, "insert");
      JsonNode *replace = pairpad_rest_get_member (item, "replace", G_TYPE_INT64);
      g_autoptr(PairpadCompletionProposal) proposal = NULL;
      g_autofree char *first_line = NULL;
      gboolean replaces_word = TRUE;
      PairpadCompletionKind kind;

      if (label == NULL || insert == NULL || *insert == '\0' ||
          !pairpad_completion_kind_parse (pairpad_rest_get_string (item, "kind"), &kind))
        continue;

      /* Without "replace", the word; the protocol knows no span but the
       * word and none at all. */
      if (replace != NULL && json_node_get_int (replace) == 0)
        replaces_word = FALSE;
      else if (replace != NULL && json_node_get_int (replace) != prefix_length)
        continue;

      if (kind != PAIRPAD_COMPLETION_KIND_MODEL)
        {
          proposal = pairpad_completion_proposal_new (label, insert, kind, replaces_word);
          g_list_store_append (store, proposal);
          continue;
        }

      /* The popup has a line per item; one of line breaks alone says nothing. */
      first_line = dup_first_line (*label != '\0' ? label : insert);
      if (*first_line == '\0')
        continue;
      proposal = pairpad_completion_proposal_new (first_line, insert, kind, replaces_word);
      g_list_store_insert (store, n_models++, proposal);
    }

  /* Refiltered as the word grows, without asking again. */
  return G_LIST_MODEL (gtk_filter_list_model_new (G_LIST_MODEL (g_steal_pointer (&store)), NULL));
}

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The task holds @self; a newer request makes this answer moot. */
  if (g_cancellable_is_cancelled (r->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
      return;
    }

  g_task_return_pointer (task, parse_answer (self, r, node), g_object_unref);
}

static void
send_request (GTask *task)
{
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  GtkTextIter caret;

  gtk_text_buffer_get_iter_at_mark (r->buffer, &caret, gtk_text_buffer_get_insert (r->buffer));
  r->position = g_object_ref (gtk_text_buffer_create_mark (r->buffer, NULL, &caret, TRUE));

  json_object_set_int_member (object, "position", gtk_text_iter_get_offset (&caret));
  json_object_set_int_member (object, "v", pp_client_session_get_version (self->session));
  json_object_set_int_member (object, "max", MAX_ITEMS);
  /* The daemon drops our older request still waiting for the model, not
   * that of whoever else shares our address. */
  if (pp_client_session_get_client (self->session) != NULL)
    json_object_set_string_member (object, "client", pp_client_session_get_client (self->session));
  body = json_node_init_object (json_node_alloc (), object);
  path = g_strdup_printf ("/api/v1/rooms/%s/complete", self->room);

  pairpad_rest_client_request_async (self->rest, self->server, "POST", path, body, self->token,
                                     r->cancellable, on_answer, task);
}

static gboolean
wait_for_acknowledgement (gpointer data)
{
  GTask *task = data;
  PairpadCompletionProvider *self = g_task_get_source_object (task);
  Request *r = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (r->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
  else if (!pp_client_session_can_edit (self->session))
    g_task_return_pointer (task, empty_model (), g_object_unref);
  else if (pp_client_session_get_n_unsent (self->session) == 0)
    send_request (g_object_ref (task));
  else if (++r->n_waits >= MAX_WAITS)
    g_task_return_pointer (task, empty_model (), g_object_unref); /* offline, say */
  else
    return G_SOURCE_CONTINUE;

  return G_SOURCE_REMOVE;
}

static int
pairpad_completion_provider_get_priority (GtkSourceCompletionProvider *provider,
                                          GtkSourceCompletionContext  *context)
{
  return 100;
}

static char *
pairpad_completion_provider_get_title (GtkSourceCompletionProvider *provider)
{
  /* Translators: the heading of the completions that come from the room's server */
  return g_strdup (_("Room"));
}

static void
pairpad_completion_provider_populate_async (GtkSourceCompletionProvider *provider,
                                            GtkSourceCompletionContext  *context,
                                            GCancellable                *cancellable,
                                            GAsyncReadyCallback          callback,
                                            gpointer                     user_data)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  Request *r;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_completion_provider_populate_async);

  /* Only the newest request counts. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (!pp_client_session_can_edit (self->session))
    {
      g_task_return_pointer (task, empty_model (), g_object_unref);
      return;
    }

  r = g_new0 (Request, 1);
  r->buffer = g_object_ref (GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context)));
  r->cancellable = g_object_ref (self->cancellable);
  if (cancellable != NULL)
    {
      r->outer = g_object_ref (cancellable);
      r->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_request),
                                           g_object_ref (r->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);

  if (pp_client_session_get_n_unsent (self->session) == 0)
    send_request (g_steal_pointer (&task));
  else
    g_timeout_add_full (G_PRIORITY_DEFAULT, WAIT_INTERVAL_MS, wait_for_acknowledgement,
                        g_steal_pointer (&task), g_object_unref);
}

static GListModel *
pairpad_completion_provider_populate_finish (GtkSourceCompletionProvider  *provider,
                                             GAsyncResult                 *result,
                                             GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *casefolded_word;
  char *typed_since_answer;   /* (nullable) */
} Filter;

static void
filter_free (Filter *filter)
{
  g_free (filter->casefolded_word);
  g_free (filter->typed_since_answer);
  g_free (filter);
}

static gboolean
matches_word (gpointer item,
              gpointer data)
{
  Filter *filter = data;

  if (!pairpad_completion_proposal_replaces_word (item))
    return continuation_rest (pairpad_completion_proposal_get_insert (item),
                              filter->typed_since_answer) != NULL;

  return gtk_source_completion_fuzzy_match (pairpad_completion_proposal_get_label (item),
                                            filter->casefolded_word, NULL);
}

static void
pairpad_completion_provider_refilter (GtkSourceCompletionProvider *provider,
                                      GtkSourceCompletionContext  *context,
                                      GListModel                  *model)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
  g_autofree char *word = gtk_source_completion_context_get_word (context);
  g_autoptr(GtkCustomFilter) custom = NULL;
  Filter *filter;

  if (!GTK_IS_FILTER_LIST_MODEL (model))
    return;

  filter = g_new0 (Filter, 1);
  filter->casefolded_word = g_utf8_casefold (word, -1);
  filter->typed_since_answer = dup_typed_since_answer (self, buffer);
  custom = gtk_custom_filter_new (matches_word, filter, (GDestroyNotify) filter_free);
  gtk_filter_list_model_set_filter (GTK_FILTER_LIST_MODEL (model), GTK_FILTER (custom));
}

static void
pairpad_completion_provider_display (GtkSourceCompletionProvider *provider,
                                     GtkSourceCompletionContext  *context,
                                     GtkSourceCompletionProposal *proposal,
                                     GtkSourceCompletionCell     *cell)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  PairpadCompletionProposal *item = PAIRPAD_COMPLETION_PROPOSAL (proposal);
  PairpadCompletionKind kind = pairpad_completion_proposal_get_kind (item);
  const char *label = pairpad_completion_proposal_get_label (item);
  const char *insert = pairpad_completion_proposal_get_insert (item);

  switch (gtk_source_completion_cell_get_column (cell))
    {
    case GTK_SOURCE_COMPLETION_COLUMN_ICON:
      gtk_source_completion_cell_set_icon_name (cell, kind_icon_name (kind));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_TYPED_TEXT:
      {
        g_autofree char *word = NULL;
        PangoAttrList *attrs;

        /* A continuation matches what was typed after the word, if anything. */
        if (pairpad_completion_proposal_replaces_word (item))
          word = gtk_source_completion_context_get_word (context);
        else
          word = dup_typed_since_answer (
            self, GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context)));
        attrs = word != NULL && *word != '\0' ? gtk_source_completion_fuzzy_highlight (label, word)
                                              : NULL;

        gtk_source_completion_cell_set_text_with_attributes (cell, label, attrs);
        g_clear_pointer (&attrs, pango_attr_list_unref);
      }
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_COMMENT:
      gtk_source_completion_cell_set_text (cell, kind_label (kind));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_DETAILS:
      /* A snippet's text, or a model's of several lines, is more than its label. */
      gtk_source_completion_cell_set_text (cell, g_strcmp0 (label, insert) != 0 ? insert : NULL);
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_AFTER:
      /* The comment shows for the selected row only: the model's row says
       * whose it is by itself. Cells serve one row, then another. */
      if (kind == PAIRPAD_COMPLETION_KIND_MODEL)
        {
          gtk_source_completion_cell_set_text (cell, kind_label (kind));
          gtk_widget_add_css_class (GTK_WIDGET (cell), "completion-model");
        }
      else
        {
          gtk_source_completion_cell_set_text (cell, NULL);
          gtk_widget_remove_css_class (GTK_WIDGET (cell), "completion-model");
        }
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_BEFORE:
    default:
      gtk_source_completion_cell_set_text (cell, NULL);
      break;
    }
}

static void
pairpad_completion_provider_activate (GtkSourceCompletionProvider *provider,
                                      GtkSourceCompletionContext  *context,
                                      GtkSourceCompletionProposal *proposal)
{
  PairpadCompletionProvider *self = PAIRPAD_COMPLETION_PROVIDER (provider);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
  PairpadCompletionProposal *item = PAIRPAD_COMPLETION_PROPOSAL (proposal);
  GtkTextIter start, caret;

  if (!pp_client_session_can_edit (self->session))
    return;

  gtk_text_buffer_get_iter_at_mark (buffer, &caret, gtk_text_buffer_get_insert (buffer));

  if (!pairpad_completion_proposal_replaces_word (item))
    {
      g_autofree char *typed = dup_typed_since_answer (self, buffer);
      const char *rest = continuation_rest (pairpad_completion_proposal_get_insert (item), typed);

      /* Refiltering dropped it already when it no longer fits. */
      if (rest == NULL)
        return;

      /* Any number of lines: the binding sends them as one insert. */
      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_insert (buffer, &caret, rest, -1);
      gtk_text_buffer_end_user_action (buffer);
      return;
    }

  start = caret;
  /* The word typed so far, unless the caret left it meanwhile. */
  if (self->word_start != NULL && gtk_text_mark_get_buffer (self->word_start) == buffer)
    {
      gtk_text_buffer_get_iter_at_mark (buffer, &start, self->word_start);
      if (gtk_text_iter_compare (&start, &caret) > 0 ||
          gtk_text_iter_get_line (&start) != gtk_text_iter_get_line (&caret))
        start = caret;
    }

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &caret);
  gtk_text_buffer_insert (buffer, &start, pairpad_completion_proposal_get_insert (item), -1);
  gtk_text_buffer_end_user_action (buffer);
}

static void
provider_iface_init (GtkSourceCompletionProviderInterface *iface)
{
  iface->get_title = pairpad_completion_provider_get_title;
  iface->get_priority = pairpad_completion_provider_get_priority;
  iface->populate_async = pairpad_completion_provider_populate_async;
  iface->populate_finish = pairpad_completion_provider_populate_finish;
  iface->refilter = pairpad_completion_provider_refilter;
  iface->display = pairpad_completion_provider_display;
  iface->activate = pairpad_completion_provider_activate;
}

static void
pairpad_completion_provider_dispose (GObject *object)
{
  PairpadCompletionProvider *self = (PairpadCompletionProvider *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->word_start, delete_mark);
  g_clear_object (&self->session);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (pairpad_completion_provider_parent_class)->dispose (object);
}

static void
pairpad_completion_provider_finalize (GObject *object)
{
  PairpadCompletionProvider *self = (PairpadCompletionProvider *)object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->answered_word, g_free);

  G_OBJECT_CLASS (pairpad_completion_provider_parent_class)->finalize (object);
}

static void
pairpad_completion_provider_class_init (PairpadCompletionProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_completion_provider_dispose;
  object_class->finalize = pairpad_completion_provider_finalize;
}

static void
pairpad_completion_provider_init (PairpadCompletionProvider *self)
{
  self->cancellable = g_cancellable_new ();
}

PairpadCompletionProvider *
pairpad_completion_provider_new (PpClientSession   *session,
                                 PairpadRestClient *rest,
                                 const char        *server,
                                 const char        *room)
{
  PairpadCompletionProvider *self;

  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);
  g_return_val_if_fail (PAIRPAD_IS_REST_CLIENT (rest), NULL);
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (room != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_COMPLETION_PROVIDER, NULL);
  self->session = g_object_ref (session);
  self->rest = g_object_ref (rest);
  self->server = g_strdup (server);
  self->room = g_strdup (room);

  return self;
}

/* @token (nullable): the owner key or share link token the room was joined
 * with, sent as bearer token with every request. */
void
pairpad_completion_provider_set_token (PairpadCompletionProvider *self,
                                       const char                *token)
{
  g_return_if_fail (PAIRPAD_IS_COMPLETION_PROVIDER (self));

  g_free (self->token);
  self->token = g_strdup (token);
}
