// node-oracledb ships no type declarations: driver.ts types the part edgeflow uses.
declare module 'oracledb';
