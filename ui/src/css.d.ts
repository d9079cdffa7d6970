/** Stylesheets imported for the bundler (esbuild collects them into one CSS file). */
declare module '*.css';
