// The orders list's restaurant filter: the admin's own autocomplete (select2); choosing a
// restaurant reloads the list filtered by it.
'use strict';
{
    const $ = django.jQuery;
    $(function() {
        $('.console-autocomplete-filter').each(function() {
            const element = $(this);
            element.select2({
                placeholder: element.data('placeholder'),
                allowClear: false,
                ajax: {
                    url: element.data('url'),
                    dataType: 'json',
                    delay: 250,
                    data: function(params) {
                        return {
                            term: params.term,
                            page: params.page,
                            app_label: element.data('app-label'),
                            model_name: element.data('model-name'),
                            field_name: element.data('field-name')
                        };
                    }
                }
            });
            element.on('select2:select', function(event) {
                window.location.search = element.data('url-template').replace('__ID__', event.params.data.id);
            });
        });
    });
}
