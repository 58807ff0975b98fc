/** Foo's group and kind: the only place they are written (the kind and its schemas read them). */
export const FOO_GROUP = 'bar.pwk.educative.io';
export const FOO_KIND = 'Foo';
