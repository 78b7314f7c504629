import { createApp } from "vue";
import { createRouter, createWebHistory } from "vue-router";
import "vant/lib/index.css";
import "./theme.css";
import App from "./App.vue";
import Board from "./views/Board.vue";
import Follow from "./views/Follow.vue";
import Objection from "./views/Objection.vue";
import Rating from "./views/Rating.vue";
import Submit from "./views/Submit.vue";

const router = createRouter({
  history: createWebHistory("/resident/"),
  routes: [
    { path: "/", component: Submit, meta: { title: "我要提议题" } },
    { path: "/follow/:code?", component: Follow, meta: { title: "查询办理进度" } },
    { path: "/board", component: Board, meta: { title: "社区公开栏" } },
    { path: "/topics/:topicId/objection", component: Objection, meta: { title: "提出异议" } },
    { path: "/topics/:topicId/rating", component: Rating, meta: { title: "满意度评价" } },
  ],
});
router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? "居民议事")} · 议事`;
});

createApp(App).use(router).mount("#app");
