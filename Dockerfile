# The app image for docker-compose.yml. Node 24 (MikroORM 7 needs Node >= 22.17).
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
EXPOSE 3000
CMD ["node", "dist/server/main.js"]
