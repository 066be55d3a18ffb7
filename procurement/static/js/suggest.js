/* Served by the app itself (no CDN; the Content-Security-Policy forbids inline scripts).
   A list filter's search field with suggestions (core/widgets.py, SuggestInput): a text input and a
   hidden input holding the chosen id. GOV.UK's accessible-autocomplete (static/vendor/, MIT) turns the
   text input into a WAI-ARIA combobox: as one types, suggestions come from the field's endpoint
   (data-suggest-url, at most 20, asked for once typing pauses); Up and Down arrows move through them,
   Enter chooses one (its id goes into the hidden input), Escape closes them. Typing again forgets the
   choice, so the text alone is then a search, as without JavaScript. Enter in the text sends the
   filter. Messages come translated from the page (data-* attributes). */
(function () {
  "use strict";

  var DELAY_MS = 200;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (character) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[character];
    });
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function enhance(container) {
    var original = container.querySelector("input[type=text]");
    var choice = container.querySelector("input[data-suggest-choice]");
    if (!original || !choice || typeof window.accessibleAutocomplete !== "function") return;
    var url = container.getAttribute("data-suggest-url");
    var text = container.dataset;
    var timer = null;
    var controller = null;
    var latest = null;

    // Asks once typing pauses; an answer to an older query (or one aborted) is dropped.
    function source(query, populate) {
      latest = query;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (controller) controller.abort();
        controller = new AbortController();
        fetch(url + "?q=" + encodeURIComponent(query), {
          headers: {"Accept": "application/json"}, credentials: "same-origin", signal: controller.signal
        }).then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        }).then(function (body) {
          if (query === latest) populate(body.results);
        }).catch(function (error) {
          if (error.name === "AbortError" || query !== latest) return;
          container.setAttribute("data-suggest-failed", "true");
          populate([]);
        });
      }, DELAY_MS);
    }

    var place = document.createElement("div");
    container.insertBefore(place, original);
    original.remove();
    window.accessibleAutocomplete({
      element: place,
      id: original.id,
      name: original.name,
      defaultValue: original.value,
      source: source,
      minLength: 1,
      // Clicking the field or pressing Down in it lists the first suggestions: a few choices read like a
      // select; many are narrowed by typing.
      showAllValues: true,
      dropdownArrow: function () { return null; },  // drawn by the stylesheet, as a select's
      displayMenu: "overlay",
      // Leaving the field or pressing Escape never chooses the highlighted suggestion by itself.
      confirmOnBlur: false,
      // Options are the endpoint's {id, label, hint}; before the first answer the library offers the text
      // the page was drawn with (a string: the current choice, kept as it is).
      templates: {
        inputValue: function (option) {
          if (typeof option === "string") return option;
          return option ? option.label : "";
        },
        suggestion: function (option) {
          if (typeof option === "string") return escapeHtml(option);
          var hint = option.hint ? " <span class=\"suggest__hint\">" + escapeHtml(option.hint) + "</span>" : "";
          return "<span class=\"suggest__label\">" + escapeHtml(option.label) + "</span>" + hint;
        }
      },
      onConfirm: function (option) {
        if (option && typeof option === "object") choice.value = option.id;
      },
      tNoResults: function () {
        return container.getAttribute("data-suggest-failed") ? text.error : text.noResults;
      },
      tStatusQueryTooShort: function () { return ""; },
      tStatusNoResults: function () { return text.statusNone; },
      tStatusSelectedOption: function (option, count, index) {
        return format(text.statusSelected, {option: option, position: index + 1, count: count});
      },
      tStatusResults: function (count, selected) {
        var results = count === 1 ? text.statusOne : format(text.statusMany, {count: count});
        return selected ? results + " " + selected : results;
      },
      tAssistiveHint: function () { return text.hint; }
    });

    var input = document.getElementById(original.id);
    if (!input) return;
    ["maxlength", "spellcheck"].forEach(function (name) {
      if (original.hasAttribute(name)) input.setAttribute(name, original.getAttribute(name));
    });
    input.addEventListener("input", function () {
      choice.value = "";
      container.removeAttribute("data-suggest-failed");
    });
    // Enter in the text (no suggestion highlighted: those take the focus) sends the filter, menu open or not.
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !input.form) return;
      event.preventDefault();
      event.stopPropagation();
      if (input.form.requestSubmit) input.form.requestSubmit(); else input.form.submit();
    });
    // Escape from a highlighted suggestion (which has the focus): the focus goes back to the text first,
    // then the library's own handler closes the menu, as for Escape in the text.
    place.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && event.target !== input) input.focus();
    }, true);
  }

  function enhanceAll() {
    document.querySelectorAll(".suggest[data-suggest-url]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
