/* Served by the app itself (no CDN; the Content-Security-Policy forbids inline scripts).
   A search field with suggestions (core/widgets.py, SuggestInput): a text input and a hidden input
   holding the chosen id, in a list's filters and in the forms that name one of thousands (a vendor, a
   contract). GOV.UK's accessible-autocomplete (static/vendor/, MIT) turns the text input into a WAI-ARIA
   combobox: as one types, suggestions come from the field's endpoint (data-suggest-url, at most 20, asked
   for once typing pauses); Up and Down arrows move through them, Enter chooses one (its id goes into the
   hidden input), Escape closes them. Typing again forgets the choice, so the text alone is then a search
   or, in a form, a name the server resolves, as without JavaScript. Enter in the text sends the form.
   With several choices (SuggestMultipleInput, data-suggest-multiple) a chosen suggestion becomes one
   more ticked box above the field, which empties for the next one. The field keeps its help text and
   its error as description. Messages come translated from the page (data-* attributes). */
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

  // A chosen suggestion as one more ticked box (a box already there is ticked again instead).
  function addChosen(list, name, option) {
    var boxes = list.querySelectorAll("input[type=checkbox]");
    for (var index = 0; index < boxes.length; index++) {
      if (boxes[index].value === String(option.id)) { boxes[index].checked = true; return; }
    }
    var item = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = name;
    box.value = option.id;
    box.checked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + option.label));
    item.appendChild(label);
    list.appendChild(item);
  }

  // The library describes the field by its own hint only until one types: the help text and the error
  // the page gave the field stay in its description, whatever the library sets.
  function keepDescription(input, extra) {
    if (!extra) return;
    function merge() {
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      extra.split(" ").forEach(function (id) { if (id && ids.indexOf(id) === -1) ids.push(id); });
      var wanted = ids.join(" ");
      if (input.getAttribute("aria-describedby") !== wanted) input.setAttribute("aria-describedby", wanted);
    }
    merge();
    new MutationObserver(merge).observe(input, {attributes: true, attributeFilter: ["aria-describedby"]});
  }

  function enhance(container) {
    var original = container.querySelector("input[type=text]");
    var choice = container.querySelector("input[data-suggest-choice]");
    var multiple = container.getAttribute("data-suggest-multiple");
    var chosenList = container.querySelector("[data-suggest-chosen]");
    if (!original || !(choice || (multiple && chosenList)) || typeof window.accessibleAutocomplete !== "function") {
      return;
    }
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
          // Several choices: the chosen one goes above as a ticked box and the field empties.
          return option && !multiple ? option.label : "";
        },
        suggestion: function (option) {
          if (typeof option === "string") return escapeHtml(option);
          var hint = option.hint ? " <span class=\"suggest__hint\">" + escapeHtml(option.hint) + "</span>" : "";
          return "<span class=\"suggest__label\">" + escapeHtml(option.label) + "</span>" + hint;
        }
      },
      onConfirm: function (option) {
        if (!option || typeof option !== "object") return;
        if (multiple) addChosen(chosenList, multiple, option); else choice.value = option.id;
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
    ["maxlength", "spellcheck", "aria-invalid"].forEach(function (name) {
      if (original.hasAttribute(name)) input.setAttribute(name, original.getAttribute(name));
    });
    keepDescription(input, original.getAttribute("aria-describedby"));
    input.addEventListener("input", function () {
      if (choice) choice.value = "";
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
